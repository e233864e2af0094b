#pragma once

#include <QDialog>
#include <optional>

#include "providers/ProviderConfig.h"

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace ar {
class ConnectionChecker;
}

namespace ar::gui {

class ConnectionTestStatus;

// Adds or edits a provider from a preset (type -> default base URL and key variable). The
// API key typed here is handed to whoever saves it (the keychain), never written to the config.
class ProviderDialog : public QDialog {
    Q_OBJECT
public:
    // `existingIds`: ids already taken (the edited provider's own id excluded by the caller).
    // `checker` (may be null: no Test button) runs "Test connection" off the GUI thread.
    ProviderDialog(const QStringList& existingIds, const ProviderConfig* editing = nullptr,
                   QWidget* parent = nullptr, ConnectionChecker* checker = nullptr);

    struct Problems {
        QString id, baseUrl;
        bool ok() const { return id.isEmpty() && baseUrl.isEmpty(); }
    };
    static Problems validate(const QString& id, const QString& type, const QString& baseUrl,
                             const QStringList& existingIds);

    ProviderConfig provider() const;
    QString apiKey() const;
    // What a connection test uses: the form's values with the typed key, else the edited
    // provider's current credential, else the key variable's value.
    static ProviderConfig forConnectionTest(ProviderConfig formValues, const QString& typedKey,
                                            const ProviderConfig* editing);

    QLineEdit* idEdit() const { return m_id; }
    QComboBox* typeCombo() const { return m_type; }
    QLineEdit* baseUrlEdit() const { return m_baseUrl; }
    QLabel* idError() const { return m_idError; }
    QLabel* baseUrlError() const { return m_baseUrlError; }
    QPushButton* saveButton() const { return m_save; }
    QPushButton* testButton() const { return m_test; }
    ConnectionTestStatus* testStatus() const { return m_testStatus; }

public Q_SLOTS:
    void testConnection();

Q_SIGNALS:
    // The save path: the receiver stores the config entry and puts `apiKey` (if any) in the keychain.
    void saveRequested(const ar::ProviderConfig& provider, const QString& apiKey);

private:
    void applyPreset();
    void revalidate();

    QStringList m_existingIds;
    bool m_editing;
    QLineEdit* m_id;
    QLabel* m_idError;
    QComboBox* m_type;
    QLineEdit* m_baseUrl;
    QLabel* m_baseUrlError;
    QLineEdit* m_apiKey;
    QLineEdit* m_apiKeyEnv;
    QDialogButtonBox* m_buttons;
    QPushButton* m_save;
    QPushButton* m_test = nullptr;
    ConnectionTestStatus* m_testStatus = nullptr;
    ConnectionChecker* m_checker;
    std::optional<ProviderConfig> m_editingConfig;
    bool m_touched = false;
};

}  // namespace ar::gui
