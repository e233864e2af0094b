#include "MainWindow.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QSettings>
#include <QShortcut>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTableView>

#include "Icons.h"
#include "TrayIcon.h"
#include "admin/AdminServices.h"
#include "core/Gateway.h"
#include "dialogs/DeviceApprovalDialog.h"
#include "models/AppSettings.h"
#include "models/GatewayController.h"
#include "models/KeyListModel.h"
#include "models/LiveLogModel.h"
#include "models/ProviderListModel.h"
#include "models/RouteListModel.h"
#include "models/TodayStats.h"
#include "models/UsageModel.h"
#include "pages/KeysPage.h"
#include "pages/LiveLogPage.h"
#include "pages/OverviewPage.h"
#include "pages/ProvidersPage.h"
#include "pages/RoutesPage.h"
#include "pages/SettingsPage.h"
#include "pages/UsagePage.h"

namespace ar::gui {

MainWindow::MainWindow(Gateway* gateway, UsageQueries* usage, QWidget* parent)
    : QMainWindow(parent), m_gateway(gateway) {
    setWindowTitle(tr("Agent Router"));
    setWindowIcon(icon(QStringLiteral("app")));
    setAccessibleName(tr("Agent Router"));

    m_settings = new AppSettings(this);
    m_controller = new GatewayController(gateway, this);
    m_liveLog = new LiveLogModel(this);
    m_liveLog->attach(gateway->events());
    m_today = new TodayStats(this);
    m_today->attach(gateway->events());
    m_keys = new KeyListModel(gateway->keys(), this);
    m_providers = new ProviderListModel(this);
    m_providers->setProviders(gateway->config().providers);
    m_routes = new RouteListModel(this);
    m_routes->setRoutes(gateway->config().routes);
    m_usage = new UsageModel(usage, this);
    // A device-flow sign-in (`tare api login`) asks here: "tare wants access — Approve / Deny".
    DeviceFlow* flow = &gateway->admin()->deviceFlow();
    connect(flow, &DeviceFlow::authorizationRequested, this,
            [this, flow](const QString& code, const QString& client, const QString& scope) {
                DeviceApprovalDialog::ask(flow, code, client, scope, this);
            });

    m_nav = new QListWidget(this);
    m_nav->setAccessibleName(tr("Pages"));
    m_nav->setIconSize(QSize(20, 20));
    m_nav->setFrameShape(QFrame::NoFrame);
    m_nav->setSpacing(2);
    m_pages = new QStackedWidget(this);
    m_pages->setAccessibleName(tr("Page"));

    auto* overview = new OverviewPage(m_controller, m_today, m_pages);
    auto* liveLog = new LiveLogPage(m_liveLog, m_controller, m_pages);
    auto* usagePage = new UsagePage(m_usage, m_pages);
    auto* keys = new KeysPage(m_keys, m_controller, m_pages);
    auto* providers = new ProvidersPage(m_providers, m_pages);
    auto* routes = new RoutesPage(m_routes, m_pages);
    auto* settings = new SettingsPage(m_settings, gateway->config().server, m_pages);
    const struct {
        QWidget* widget;
        QString title;
        const char* icon;
    } pages[] = {
        {overview, tr("Overview"), "overview"}, {liveLog, tr("Live log"), "live-log"},
        {usagePage, tr("Usage"), "usage"},      {keys, tr("Keys"), "keys"},
        {providers, tr("Providers"), "providers"}, {routes, tr("Routes"), "routes"},
        {settings, tr("Settings"), "settings"},
    };
    for (int i = 0; i < PageCount; ++i) {
        m_pages->addWidget(pages[i].widget);
        auto* item = new QListWidgetItem(icon(QString::fromLatin1(pages[i].icon)), pages[i].title, m_nav);
        item->setToolTip(tr("%1 (Ctrl+%2)").arg(pages[i].title).arg(i + 1));
        item->setSizeHint(QSize(0, m_nav->fontMetrics().height() + 14));
        auto* shortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)), this);
        connect(shortcut, &QShortcut::activated, this, [this, i] { showPage(Page(i)); });
    }
    int navWidth = 0;
    for (const auto& p : pages) navWidth = qMax(navWidth, m_nav->fontMetrics().horizontalAdvance(p.title));
    m_nav->setFixedWidth(navWidth + 20 + 48);

    auto* central = new QWidget(this);
    auto* centralLayout = new QHBoxLayout(central);
    centralLayout->setContentsMargins(0, 0, 0, 0);
    centralLayout->setSpacing(0);
    centralLayout->addWidget(m_nav);
    centralLayout->addWidget(m_pages, 1);
    setCentralWidget(central);

    m_statusLabel = new QLabel(this);
    statusBar()->addWidget(m_statusLabel, 1);

    m_tray = new TrayIcon(m_controller, this);
    connect(m_tray, &TrayIcon::openRequested, this, [this] {
        showNormal();
        raise();
        activateWindow();
    });
    connect(m_tray, &TrayIcon::quitRequested, this, &MainWindow::quitRequested);

    auto* quit = new QAction(tr("Quit"), this);
    quit->setShortcut(QKeySequence::Quit);
    connect(quit, &QAction::triggered, this, &MainWindow::quitRequested);
    addAction(quit);
    connect(this, &MainWindow::quitRequested, this, [this] {
        m_quitting = true;
        close();
    });

    connect(m_nav, &QListWidget::currentRowChanged, m_pages, &QStackedWidget::setCurrentIndex);
    connect(m_controller, &GatewayController::stateChanged, this, &MainWindow::refreshStatusBar);
    connect(providers, &ProvidersPage::saveRequested, this, &MainWindow::providerSaveRequested);
    connect(providers, &ProvidersPage::deleteRequested, this, &MainWindow::providerDeleteRequested);
    m_nav->setCurrentRow(Overview);
    refreshStatusBar();
    resize(1100, 720);
}

MainWindow::~MainWindow() = default;

void MainWindow::showPage(Page page) { m_nav->setCurrentRow(page); }

QWidget* MainWindow::page(Page page) const { return m_pages->widget(page); }

void MainWindow::refreshStatusBar() {
    m_statusLabel->setText(m_controller->running()
                               ? tr("Gateway running on %1").arg(m_controller->baseUrl())
                               : tr("Gateway stopped"));
}

void MainWindow::restoreWindowState() {
    QSettings s;
    restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray());
    showPage(Page(qBound(0, s.value(QStringLiteral("window/page"), 0).toInt(), PageCount - 1)));
    for (QTableView* table : findChildren<QTableView*>()) {
        if (table->objectName().isEmpty()) continue;
        const QByteArray state = s.value(QStringLiteral("columns/") + table->objectName()).toByteArray();
        if (!state.isEmpty()) table->horizontalHeader()->restoreState(state);
    }
    for (QSplitter* split : findChildren<QSplitter*>()) {
        if (split->objectName().isEmpty()) continue;
        split->restoreState(s.value(QStringLiteral("splitters/") + split->objectName()).toByteArray());
    }
}

void MainWindow::saveWindowState() const {
    QSettings s;
    s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    s.setValue(QStringLiteral("window/page"), m_pages->currentIndex());
    for (QTableView* table : findChildren<QTableView*>())
        if (!table->objectName().isEmpty())
            s.setValue(QStringLiteral("columns/") + table->objectName(), table->horizontalHeader()->saveState());
    for (QSplitter* split : findChildren<QSplitter*>())
        if (!split->objectName().isEmpty())
            s.setValue(QStringLiteral("splitters/") + split->objectName(), split->saveState());
}

void MainWindow::closeEvent(QCloseEvent* event) {
    saveWindowState();
    // With a tray, closing the window only hides it; the gateway keeps serving.
    if (!m_quitting && m_tray->available()) {
        hide();
        event->ignore();
        return;
    }
    event->accept();
    QApplication::quit();
}

}  // namespace ar::gui
