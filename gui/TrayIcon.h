#pragma once

#include <QObject>

class QAction;
class QMenu;
class QSystemTrayIcon;

namespace ar::gui {

class GatewayController;

// The tray icon: status, copy base URL, open the window, start/stop, quit.
class TrayIcon : public QObject {
    Q_OBJECT
public:
    explicit TrayIcon(GatewayController* controller, QObject* parent = nullptr);
    ~TrayIcon() override;

    bool available() const;  // a system tray exists (never under offscreen)
    void show();
    QMenu* menu() const { return m_menu; }

Q_SIGNALS:
    void openRequested();
    void quitRequested();

private:
    void refresh();

    GatewayController* m_controller;
    QMenu* m_menu;
    QSystemTrayIcon* m_tray;
    QAction* m_status;
    QAction* m_copyUrl;
    QAction* m_startStop;
};

}  // namespace ar::gui
