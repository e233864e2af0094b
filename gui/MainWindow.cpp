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
#include <QToolButton>
#include <QVBoxLayout>

#include "Icons.h"
#include "TrayIcon.h"
#include "admin/AdminServices.h"
#include "config/Config.h"
#include "core/Gateway.h"
#include "dialogs/DeviceApprovalDialog.h"
#include "models/AppSettings.h"
#include "models/GatewayController.h"
#include "models/KeyListModel.h"
#include "models/LiveLogModel.h"
#include "models/OverviewModel.h"
#include "models/ProviderListModel.h"
#include "models/RouteEditor.h"
#include "models/UsageModel.h"
#include "pages/KeysPage.h"
#include "pages/LiveLogPage.h"
#include "pages/OverviewPage.h"
#include "pages/ProvidersPage.h"
#include "pages/RoutesPage.h"
#include "pages/SettingsPage.h"
#include "pages/UsagePage.h"
#include "providers/ConnectionCheck.h"

namespace ar::gui {

namespace {

FailoverSettings failoverOf(const Config& c) {
    return {c.retry.maxRounds, c.healthFailureThreshold, c.healthCooldownMs};
}

}  // namespace

MainWindow::MainWindow(Gateway* gateway, UsageQueries* usage, QWidget* parent)
    : QMainWindow(parent), m_gateway(gateway), m_configPath(defaultConfigPath()) {
    setWindowTitle(tr("Agent Router"));
    setWindowIcon(icon(QStringLiteral("app")));
    setAccessibleName(tr("Agent Router"));

    m_settings = new AppSettings(this);
    m_controller = new GatewayController(gateway, this);
    m_liveLog = new LiveLogModel(this);
    m_liveLog->attach(gateway->events());
    m_overview = new OverviewModel(usage, &gateway->admin()->keys(), gateway, this);
    m_overview->attach(gateway->events());
    m_keys = new KeyListModel(&gateway->admin()->keys(), this);
    m_providers = new ProviderListModel(this);
    m_providers->setProviders(gateway->config().providers);
    m_routes = new RouteEditor(this);
    m_routes->load(gateway->config().routes, failoverOf(gateway->config()));
    m_usage = new UsageModel(usage, this);
    m_checker = new ConnectionChecker(this);
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

    auto* overview = new OverviewPage(m_controller, m_overview, m_pages);
    auto* liveLog = new LiveLogPage(m_liveLog, m_controller, m_pages);
    auto* usagePage = new UsagePage(m_usage, m_pages);
    auto* keys = new KeysPage(m_keys, m_controller, m_pages);
    auto* providers = new ProvidersPage(m_providers, m_pages, m_checker);
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

    // The banner: warnings in plain words, in a tint of the palette's own colours.
    m_banner = new QWidget(this);
    m_banner->setObjectName(QStringLiteral("warningBanner"));
    m_banner->setAccessibleName(tr("Warnings"));
    m_banner->setAttribute(Qt::WA_StyledBackground, true);
    m_banner->setStyleSheet(QStringLiteral("#warningBanner { background: rgba(217, 138, 28, 0.18); "
                                           "border-bottom: 1px solid rgba(217, 138, 28, 0.6); }"));
    m_bannerText = new QLabel(m_banner);
    m_bannerText->setWordWrap(true);
    m_bannerText->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_bannerText->setAccessibleName(tr("Warning text"));
    auto* dismiss = new QToolButton(m_banner);
    dismiss->setText(tr("Dismiss"));
    dismiss->setAccessibleName(tr("Dismiss the warnings"));
    dismiss->setAutoRaise(true);
    auto* bannerLayout = new QHBoxLayout(m_banner);
    bannerLayout->setContentsMargins(12, 6, 8, 6);
    bannerLayout->addWidget(m_bannerText, 1);
    bannerLayout->addWidget(dismiss, 0, Qt::AlignTop);
    m_banner->hide();
    connect(dismiss, &QToolButton::clicked, this, [this] {
        m_warnings.clear();
        refreshBanner();
    });

    auto* body = new QWidget(this);
    auto* bodyLayout = new QHBoxLayout(body);
    bodyLayout->setContentsMargins(0, 0, 0, 0);
    bodyLayout->setSpacing(0);
    bodyLayout->addWidget(m_nav);
    bodyLayout->addWidget(m_pages, 1);
    auto* central = new QWidget(this);
    auto* centralLayout = new QVBoxLayout(central);
    centralLayout->setContentsMargins(0, 0, 0, 0);
    centralLayout->setSpacing(0);
    centralLayout->addWidget(m_banner);
    centralLayout->addWidget(body, 1);
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
    connect(providers, &ProvidersPage::saveRequested, this, &MainWindow::saveProvider);
    connect(providers, &ProvidersPage::deleteRequested, this, &MainWindow::deleteProvider);
    connect(m_routes, &RouteEditor::saveRequested, this, &MainWindow::saveRoutes);
    connect(keys, &KeysPage::keyRotated, m_overview, &OverviewModel::refresh);
    // Spend and health feed the lists and the notifications (NotificationRules decides, the
    // tray only shows).
    m_rules.restoreAnnounced(QSettings().value(QStringLiteral("notifications/announced")).toStringList());
    connect(m_overview, &OverviewModel::usageUpdated, this, [this] {
        m_keys->setBudgets(m_overview->budgets());
        const QList<Notification> said = m_rules.onBudgets(m_overview->budgets());
        if (!said.isEmpty()) QSettings().setValue(QStringLiteral("notifications/announced"), m_rules.announced());
        notify(said);
    });
    connect(m_overview, &OverviewModel::healthUpdated, this, [this] {
        m_providers->setHealth(m_overview->health());
        notify(m_rules.onHealth(m_overview->health()));
    });
    m_nav->setCurrentRow(Overview);
    refreshStatusBar();
    resize(1100, 720);
    m_overview->refresh();
}

MainWindow::~MainWindow() = default;

void MainWindow::showPage(Page page) { m_nav->setCurrentRow(page); }

QWidget* MainWindow::page(Page page) const { return m_pages->widget(page); }

MainWindow::Page MainWindow::currentPage() const { return Page(m_pages->currentIndex()); }

void MainWindow::refreshStatusBar() {
    m_statusLabel->setText(m_controller->running()
                               ? tr("Gateway running on %1").arg(m_controller->baseUrl())
                               : tr("Gateway stopped"));
}

void MainWindow::addWarnings(const QStringList& warnings) {
    for (const QString& w : warnings)
        if (!m_warnings.contains(w)) m_warnings.append(w);
    refreshBanner();
}

void MainWindow::refreshBanner() {
    QStringList items;
    for (const QString& w : m_warnings) items << QStringLiteral("<li>%1</li>").arg(w.toHtmlEscaped());
    m_bannerText->setText(m_warnings.size() == 1
                              ? QStringLiteral("⚠ ") + m_warnings.first().toHtmlEscaped()
                              : QStringLiteral("⚠ %1<ul style=\"margin: 2px 0 0 -20px;\">%2</ul>")
                                    .arg(tr("%n problem(s):", nullptr, int(m_warnings.size())), items.join(QString())));
    m_banner->setVisible(!m_warnings.isEmpty());
}

void MainWindow::notify(const QList<Notification>& notifications) {
    for (const Notification& n : notifications) m_tray->notify(n);
}

void MainWindow::updateGatewayConfig(const std::function<void(Config&)>& change) {
    Config c = m_gateway->config();
    change(c);
    m_gateway->setConfig(std::move(c));
    statusBar()->showMessage(m_controller->running()
                                 ? tr("Saved to %1. Restart the gateway (Stop, then Start) to route with it.")
                                       .arg(m_configPath)
                                 : tr("Saved to %1.").arg(m_configPath),
                             15000);
}

void MainWindow::saveProvider(const ProviderConfig& edited, const QString& apiKey) {
    ProviderConfig p = edited;
    const ProviderConfig* before = m_gateway->config().provider(p.id);
    const bool inKeychain = !apiKey.isEmpty() || (before && before->credential == QLatin1String("keychain"));
    p.credential = inKeychain ? QStringLiteral("keychain") : QStringLiteral("env");
    if (!p.apiKeyEnv.isEmpty()) p.apiKey = qEnvironmentVariable(p.apiKeyEnv.toUtf8().constData());
    p.liveCredentials = m_gateway->admin()->credentials();
    if (Status s = ConfigEditor(m_configPath).saveProvider(p, inKeychain); !s) {
        addWarnings({tr("Provider \"%1\" was not saved: %2").arg(p.id, s.error().message)});
        return;
    }
    m_providers->upsert(p);
    updateGatewayConfig([&p](Config& c) {
        for (ProviderConfig& existing : c.providers)
            if (existing.id == p.id) {
                existing = p;
                return;
            }
        c.providers.append(p);
    });
    if (apiKey.isEmpty()) return;
    // The keychain answers asynchronously; the key is live from the next request once stored.
    const QString id = p.id;
    m_gateway->admin()->setProviderCredential(id, apiKey, this, [this, id](Status s) {
        if (!s) addWarnings({tr("The API key of \"%1\" was not saved: %2").arg(id, s.error().message)});
        else statusBar()->showMessage(tr("The API key of \"%1\" is in the keychain.").arg(id), 10000);
    });
}

void MainWindow::deleteProvider(const QString& providerId) {
    if (Status s = ConfigEditor(m_configPath).removeProvider(providerId); !s) {
        addWarnings({tr("Provider \"%1\" was not removed from the config: %2").arg(providerId, s.error().message)});
        m_providers->setProviders(m_gateway->config().providers);  // it is still there
        return;
    }
    updateGatewayConfig([&providerId](Config& c) {
        c.providers.removeIf([&](const ProviderConfig& p) { return p.id == providerId; });
        for (Route& r : c.routes)
            r.targets.removeIf([&](const RouteTarget& t) { return t.providerId == providerId; });
        c.routes.removeIf([](const Route& r) { return r.targets.isEmpty(); });
    });
    m_routes->load(m_gateway->config().routes, failoverOf(m_gateway->config()));
    m_gateway->admin()->deleteProviderCredential(providerId, this, [this, providerId](Status s) {
        if (!s) addWarnings({tr("The keychain entry of \"%1\" was not deleted: %2").arg(providerId, s.error().message)});
    });
}

void MainWindow::saveRoutes(const QList<Route>& routes, const FailoverSettings& failover) {
    auto* page = static_cast<RoutesPage*>(m_pages->widget(Routes));
    if (Status s = ConfigEditor(m_configPath).saveRouting(routes, failover); !s) {
        page->showSaveResult(false, tr("Not saved: %1").arg(s.error().message));
        return;
    }
    updateGatewayConfig([&](Config& c) {
        c.routes = routes;
        c.retry.maxRounds = failover.maxRounds;
        c.healthFailureThreshold = failover.healthFailureThreshold;
        c.healthCooldownMs = failover.healthCooldownMs;
    });
    m_routes->markSaved();
    page->showSaveResult(true, m_controller->running()
                                   ? tr("Saved. Restart the gateway (Overview: Stop, then Start) to route with it.")
                                   : tr("Saved."));
}

void MainWindow::restoreWindowState() {
    QSettings s;
    restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(s.value(QStringLiteral("window/state")).toByteArray());
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
    s.setValue(QStringLiteral("window/state"), saveState());
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
