#pragma once

#include <QDialog>

#include "providers/ProviderConfig.h"

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace ar::gui {

// Adds or edits a provider from a preset (type -> default base URL and key variable). The
// API key typed here is handed to whoever saves it (the keychain), never written to the config.
class ProviderDialog : public QDialog {
    Q_OBJECT
public:
    // `existingIds`: ids already taken (the edited provider's own id excluded by the caller).
    ProviderDialog(const QStringList& existingIds, const ProviderConfig* editing = nullptr,
                   QWidget* parent = nullptr);

    struct Problems {
        QString id, baseUrl;
        bool ok() const { return id.isEmpty() && baseUrl.isEmpty(); }
    };
    static Problems validate(const QString& id, const QString& type, const QString& baseUrl,
                             const QStringList& existingIds);

    ProviderConfig provider() const;
    QString apiKey() const;

    QLineEdit* idEdit() const { return m_id; }
    QComboBox* typeCombo() const { return m_type; }
    QLineEdit* baseUrlEdit() const { return m_baseUrl; }
    QLabel* idError() const { return m_idError; }
    QLabel* baseUrlError() const { return m_baseUrlError; }
    QPushButton* saveButton() const { return m_save; }

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
    bool m_touched = false;
};

}  // namespace ar::gui
