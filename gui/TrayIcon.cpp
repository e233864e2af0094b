#include "TrayIcon.h"

#include <QApplication>
#include <QClipboard>
#include <QMenu>
#include <QSystemTrayIcon>

#include "Icons.h"
#include "models/GatewayController.h"

namespace ar::gui {

TrayIcon::TrayIcon(GatewayController* controller, QObject* parent)
    : QObject(parent), m_controller(controller), m_menu(new QMenu), m_tray(new QSystemTrayIcon(this)) {
    m_status = m_menu->addAction(QString());
    m_status->setEnabled(false);
    m_menu->addSeparator();
    m_copyUrl = m_menu->addAction(icon(QStringLiteral("copy")), tr("Copy base URL"));
    QAction* open = m_menu->addAction(tr("Open Agent Router"));
    m_startStop = m_menu->addAction(QString());
    m_menu->addSeparator();
    QAction* quit = m_menu->addAction(tr("Quit"));
    m_tray->setContextMenu(m_menu);

    connect(m_copyUrl, &QAction::triggered, this,
            [this] { QApplication::clipboard()->setText(m_controller->configuredUrl()); });
    connect(open, &QAction::triggered, this, &TrayIcon::openRequested);
    connect(m_startStop, &QAction::triggered, controller, &GatewayController::toggle);
    connect(quit, &QAction::triggered, this, &TrayIcon::quitRequested);
    connect(m_tray, &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason reason) {
        if (reason == QSystemTrayIcon::Trigger || reason == QSystemTrayIcon::DoubleClick) Q_EMIT openRequested();
    });
    connect(controller, &GatewayController::stateChanged, this, &TrayIcon::refresh);
    refresh();
}

TrayIcon::~TrayIcon() { delete m_menu; }

bool TrayIcon::available() const { return QSystemTrayIcon::isSystemTrayAvailable(); }

void TrayIcon::show() {
    if (available()) m_tray->show();
}

void TrayIcon::notify(const Notification& n) {
    if (m_shown.size() >= 100) m_shown.removeFirst();
    m_shown.append(n);
    const bool bad = n.kind == Notification::Kind::BudgetReached || n.kind == Notification::Kind::ProviderDown;
    if (available() && m_tray->isVisible())
        m_tray->showMessage(n.title, n.message, bad ? QSystemTrayIcon::Warning : QSystemTrayIcon::Information, 8000);
}

void TrayIcon::refresh() {
    const bool running = m_controller->running();
    const QString status = running ? tr("Running on %1").arg(m_controller->baseUrl()) : tr("Stopped");
    m_status->setText(status);
    m_copyUrl->setEnabled(running);
    m_startStop->setText(running ? tr("Stop gateway") : tr("Start gateway"));
    m_tray->setIcon(icon(running ? QStringLiteral("app") : QStringLiteral("app-stopped")));
    m_tray->setToolTip(tr("Agent Router: %1").arg(status));
}

}  // namespace ar::gui
