#pragma once

#include <QWidget>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace ar {
struct ServerSettings;
}

namespace ar::gui {

class AppSettings;

// Listen address and port (applied the next time the gateway starts) and window behaviour.
class SettingsPage : public QWidget {
    Q_OBJECT
public:
    SettingsPage(AppSettings* settings, const ServerSettings& current, QWidget* parent = nullptr);

    QLineEdit* bindEdit() const { return m_bind; }
    QLabel* bindError() const { return m_bindError; }
    QPushButton* saveButton() const { return m_save; }

private:
    void revalidate();
    void save();

    AppSettings* m_settings;
    QLineEdit* m_bind;
    QLabel* m_bindError;
    QSpinBox* m_port;
    QCheckBox* m_startMinimised;
    QPushButton* m_save;
    QLabel* m_saved;
};

}  // namespace ar::gui
