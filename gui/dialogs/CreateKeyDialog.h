#pragma once

#include <QDialog>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QStackedWidget;

namespace ar {
class KeyStore;
}

namespace ar::gui {

class CopyField;
class SnippetTabs;

// Mints a gateway key. Step 1 asks for a name (validated next to the field); step 2 shows
// the secret exactly once, with Copy and ready-to-paste snippets. The secret is wiped from
// the dialog when it closes and is never shown again.
class CreateKeyDialog : public QDialog {
    Q_OBJECT
public:
    static constexpr int kMaxNameLength = 64;

    CreateKeyDialog(KeyStore* store, const QString& baseUrl, QWidget* parent = nullptr);

    // Empty when `name` is acceptable, else what is wrong with it.
    static QString validateName(const QString& name, const QStringList& existingNames);

    QLineEdit* nameEdit() const { return m_name; }
    QLabel* nameError() const { return m_nameError; }
    QPushButton* createButton() const { return m_create; }
    bool showingSecret() const;
    QString shownSecret() const;  // the secret while it is on screen, else empty

public Q_SLOTS:
    void done(int result) override;

Q_SIGNALS:
    void keyCreated(const QString& keyId);

private:
    void validate();
    void create();

    KeyStore* m_store;
    QString m_baseUrl;
    QStringList m_existingNames;
    QStackedWidget* m_steps;
    QLineEdit* m_name;
    QLabel* m_nameError;
    QLabel* m_createError;
    CopyField* m_secret;
    SnippetTabs* m_snippets;
    QDialogButtonBox* m_buttons;
    QPushButton* m_create;
};

}  // namespace ar::gui
