#pragma once

#include <QMainWindow>
#include <QStringList>
#include <functional>

#include "config/ConfigEditor.h"
#include "events/Notifications.h"
#include "providers/ProviderConfig.h"

class QListWidget;
class QStackedWidget;
class QLabel;

namespace ar {
class ConnectionChecker;
struct Config;
class Gateway;
class UsageQueries;
}  // namespace ar

namespace ar::gui {

class AppSettings;
class GatewayController;
class KeyListModel;
class LiveLogModel;
class OverviewModel;
class ProviderListModel;
class RouteEditor;
class TrayIcon;
class UsageModel;

// The window: a warnings banner on top, a page list on the left, the pages on the right, the
// tray icon. It composes the models (which adapt the gateway) and the pages (which show them),
// and routes what the pages save to the service layer: the config file (ConfigEditor) and the
// keychain (AdminServices).
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    enum Page { Overview, LiveLog, Usage, Keys, Providers, Routes, Settings, PageCount };

    // `usage` may be null (no ledger): the Usage page then says so. Neither is owned.
    MainWindow(Gateway* gateway, UsageQueries* usage, QWidget* parent = nullptr);
    ~MainWindow() override;

    void showPage(Page page);
    QWidget* page(Page page) const;
    Page currentPage() const;
    GatewayController* controller() const { return m_controller; }
    LiveLogModel* liveLog() const { return m_liveLog; }
    OverviewModel* overview() const { return m_overview; }
    UsageModel* usage() const { return m_usage; }
    KeyListModel* keys() const { return m_keys; }
    ProviderListModel* providers() const { return m_providers; }
    RouteEditor* routes() const { return m_routes; }
    TrayIcon* tray() const { return m_tray; }
    AppSettings* settings() const { return m_settings; }

    // Where provider and route changes are written (default: the standard config path).
    void setConfigPath(const QString& path) { m_configPath = path; }
    QString configPath() const { return m_configPath; }

    // Problems the user must know about (no keychain, config errors, a failed save), shown in
    // plain words in a banner until dismissed.
    void addWarnings(const QStringList& warnings);
    QStringList warnings() const { return m_warnings; }
    QWidget* banner() const { return m_banner; }

    void restoreWindowState();
    void saveWindowState() const;

Q_SIGNALS:
    void quitRequested();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void refreshStatusBar();
    void refreshBanner();
    void saveProvider(const ProviderConfig& provider, const QString& apiKey);
    void deleteProvider(const QString& providerId);
    void saveRoutes(const QList<Route>& routes, const FailoverSettings& failover);
    void updateGatewayConfig(const std::function<void(Config&)>& change);
    void notify(const QList<Notification>& notifications);

    Gateway* m_gateway;
    QString m_configPath;
    AppSettings* m_settings;
    GatewayController* m_controller;
    LiveLogModel* m_liveLog;
    OverviewModel* m_overview;
    KeyListModel* m_keys;
    ProviderListModel* m_providers;
    RouteEditor* m_routes;
    UsageModel* m_usage;
    ConnectionChecker* m_checker;
    NotificationRules m_rules;
    QWidget* m_banner;
    QLabel* m_bannerText;
    QStringList m_warnings;
    QListWidget* m_nav;
    QStackedWidget* m_pages;
    QLabel* m_statusLabel;
    TrayIcon* m_tray;
    bool m_quitting = false;
};

}  // namespace ar::gui
