#pragma once

#include <QDate>
#include <QDialog>
#include <QHash>
#include <QJsonObject>

class QCheckBox;
class QComboBox;
class QDateEdit;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QStackedWidget;

namespace ar {
class KeyService;
}

namespace ar::gui {

class CopyField;
class SnippetTabs;

// Mints a gateway key. Step 1 asks for a name and the key's policy (allowed models, budget and
// period, rate limits, expiry), each validated next to its field; step 2 shows the secret
// exactly once, with Copy and ready-to-paste snippets. The secret is wiped from the dialog when
// it closes and is never shown again. Rotation reuses step 2 (showRotatedSecret).
class CreateKeyDialog : public QDialog {
    Q_OBJECT
public:
    static constexpr int kMaxNameLength = 64;

    // The policy fields as typed; empty means "no limit".
    struct PolicyInput {
        QString models, budget, period = QStringLiteral("month"), rpm, tpm, concurrent;
        bool expires = false;
        QDate expiry;
    };
    struct PolicyProblems {
        QString models, budget, rpm, tpm, concurrent, expiry;
        bool ok() const {
            return models.isEmpty() && budget.isEmpty() && rpm.isEmpty() && tpm.isEmpty() && concurrent.isEmpty() &&
                   expiry.isEmpty();
        }
    };

    CreateKeyDialog(KeyService* keys, const QString& baseUrl, QWidget* parent = nullptr);

    // Empty when `name` is acceptable, else what is wrong with it.
    static QString validateName(const QString& name, const QStringList& existingNames);
    static PolicyProblems validatePolicy(const PolicyInput& input, const QDate& today);
    // The policy JSON (see usage/KeyPolicy.h) of a valid input; expiry at local midnight.
    static QJsonObject policyJson(const PolicyInput& input);

    // Shows a rotated key's new secret once, like a created one.
    void showRotatedSecret(const QString& keyName, const QString& secret);

    QLineEdit* nameEdit() const { return m_name; }
    QLabel* nameError() const { return m_nameError; }
    QLineEdit* modelsEdit() const { return m_models; }
    QLineEdit* budgetEdit() const { return m_budget; }
    QComboBox* periodCombo() const { return m_period; }
    QLineEdit* rpmEdit() const { return m_rpm; }
    QLineEdit* tpmEdit() const { return m_tpm; }
    QLineEdit* concurrentEdit() const { return m_concurrent; }
    QCheckBox* expiresCheck() const { return m_expires; }
    QDateEdit* expiryEdit() const { return m_expiry; }
    // The message shown next to a field: "name", "models", "budget", "rpm", "tpm", "concurrent", "expiry".
    QLabel* errorLabel(const QString& field) const;
    QPushButton* createButton() const { return m_create; }
    QCheckBox* keepCheck() const { return m_keep; }
    QLabel* keepStatus() const { return m_keepStatus; }
    bool showingSecret() const;
    QString shownSecret() const;  // the secret while it is on screen, else empty

public Q_SLOTS:
    void done(int result) override;

Q_SIGNALS:
    void keyCreated(const QString& keyId);

private:
    void validate();
    void create();
    void showSecret(const QString& secret);
    PolicyInput policyInput() const;

    KeyService* m_keys;
    QString m_baseUrl;
    QStringList m_existingNames;
    QStackedWidget* m_steps;
    QLineEdit* m_name;
    QLabel* m_nameError;
    QLineEdit* m_models;
    QLineEdit* m_budget;
    QComboBox* m_period;
    QLineEdit* m_rpm;
    QLineEdit* m_tpm;
    QLineEdit* m_concurrent;
    QCheckBox* m_expires;
    QDateEdit* m_expiry;
    QHash<QString, QLabel*> m_errors;
    QLabel* m_createError;
    QCheckBox* m_keep;       // keep the plaintext in the keychain (opt-in)
    QLabel* m_keepStatus;    // what became of that copy
    QLabel* m_warning;
    CopyField* m_secret;
    SnippetTabs* m_snippets;
    QDialogButtonBox* m_buttons;
    QPushButton* m_create;
};

}  // namespace ar::gui
