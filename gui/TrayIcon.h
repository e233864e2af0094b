#pragma once

#include <QList>
#include <QObject>

#include "events/Notifications.h"

class QAction;
class QMenu;
class QSystemTrayIcon;

namespace ar::gui {

class GatewayController;

// The tray icon: status, copy base URL, open the window, start/stop, quit; notifications.
class TrayIcon : public QObject {
    Q_OBJECT
public:
    explicit TrayIcon(GatewayController* controller, QObject* parent = nullptr);
    ~TrayIcon() override;

    bool available() const;  // a system tray exists (never under offscreen)
    void show();
    QMenu* menu() const { return m_menu; }

    // Shows a notification bubble (where a tray exists); the decision to notify is made by
    // NotificationRules, not here. Every notification shown is kept for the window and tests.
    void notify(const ar::Notification& notification);
    const QList<ar::Notification>& shown() const { return m_shown; }

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
    QList<ar::Notification> m_shown;
};

}  // namespace ar::gui
