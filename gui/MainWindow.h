#pragma once

#include <QMainWindow>

#include "providers/ProviderConfig.h"

class QListWidget;
class QStackedWidget;
class QLabel;

namespace ar {
class Gateway;
class UsageQueries;
}  // namespace ar

namespace ar::gui {

class AppSettings;
class GatewayController;
class KeyListModel;
class KeysPage;
class LiveLogModel;
class LiveLogPage;
class OverviewPage;
class ProviderListModel;
class ProvidersPage;
class RouteListModel;
class RoutesPage;
class SettingsPage;
class TodayStats;
class TrayIcon;
class UsageModel;
class UsagePage;

// The window: a page list on the left, the pages on the right, the tray icon. It only
// composes: the models adapt the gateway, the pages show them.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    enum Page { Overview, LiveLog, Usage, Keys, Providers, Routes, Settings, PageCount };

    // `usage` may be null (no ledger): the Usage page then says so. Neither is owned.
    MainWindow(Gateway* gateway, UsageQueries* usage, QWidget* parent = nullptr);
    ~MainWindow() override;

    void showPage(Page page);
    QWidget* page(Page page) const;
    GatewayController* controller() const { return m_controller; }
    LiveLogModel* liveLog() const { return m_liveLog; }
    TodayStats* todayStats() const { return m_today; }
    UsageModel* usage() const { return m_usage; }
    TrayIcon* tray() const { return m_tray; }
    AppSettings* settings() const { return m_settings; }

    void restoreWindowState();
    void saveWindowState() const;

Q_SIGNALS:
    // The provider save path (config entry + keychain), wired by whoever owns them.
    void providerSaveRequested(const ar::ProviderConfig& provider, const QString& apiKey);
    void providerDeleteRequested(const QString& providerId);
    void quitRequested();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void refreshStatusBar();

    Gateway* m_gateway;
    AppSettings* m_settings;
    GatewayController* m_controller;
    LiveLogModel* m_liveLog;
    TodayStats* m_today;
    KeyListModel* m_keys;
    ProviderListModel* m_providers;
    RouteListModel* m_routes;
    UsageModel* m_usage;
    QListWidget* m_nav;
    QStackedWidget* m_pages;
    QLabel* m_statusLabel;
    TrayIcon* m_tray;
    bool m_quitting = false;
};

}  // namespace ar::gui
