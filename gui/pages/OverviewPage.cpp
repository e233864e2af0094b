#include "pages/OverviewPage.h"

#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QLabel>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>

#include "Icons.h"
#include "models/Format.h"
#include "models/GatewayController.h"
#include "models/TodayStats.h"
#include "widgets/CopyField.h"
#include "widgets/SnippetTabs.h"

namespace ar::gui {

namespace {

// A big number with a caption under it.
QLabel* statTile(QGridLayout* grid, int column, const QString& caption) {
    auto* value = new QLabel(QStringLiteral("0"));
    QFont f = value->font();
    f.setPointSizeF(f.pointSizeF() * 1.8);
    f.setBold(true);
    value->setFont(f);
    value->setAccessibleName(caption);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* label = new QLabel(caption);
    label->setForegroundRole(QPalette::PlaceholderText);
    grid->addWidget(value, 0, column);
    grid->addWidget(label, 1, column);
    return value;
}

}  // namespace

OverviewPage::OverviewPage(GatewayController* controller, TodayStats* stats, QWidget* parent)
    : QWidget(parent), m_controller(controller), m_stats(stats) {
    setAccessibleName(tr("Overview"));

    auto* statusBox = new QGroupBox(tr("Gateway"), this);
    m_status = new QLabel(statusBox);
    m_status->setAccessibleName(tr("Gateway status"));
    QFont bold = m_status->font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() * 1.2);
    m_status->setFont(bold);
    m_error = new QLabel(statusBox);
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #d0453a;"));
    m_error->hide();
    m_startStop = new QPushButton(statusBox);
    m_startStop->setAccessibleName(tr("Start or stop the gateway"));
    m_url = new CopyField(tr("Base URL"), statusBox);
    m_url->setMonospace(true);
    m_uptime = new QLabel(statusBox);
    m_uptime->setAccessibleName(tr("Uptime"));

    auto* statusRow = new QHBoxLayout;
    statusRow->addWidget(m_status);
    statusRow->addStretch(1);
    statusRow->addWidget(m_startStop);
    auto* form = new QFormLayout;
    form->addRow(tr("Base URL:"), m_url);
    form->addRow(tr("Uptime:"), m_uptime);
    auto* statusLayout = new QVBoxLayout(statusBox);
    statusLayout->addLayout(statusRow);
    statusLayout->addWidget(m_error);
    statusLayout->addLayout(form);

    auto* todayBox = new QGroupBox(tr("Today"), this);
    auto* grid = new QGridLayout(todayBox);
    m_requests = statTile(grid, 0, tr("Requests"));
    m_errors = statTile(grid, 1, tr("Errors"));
    m_promptTokens = statTile(grid, 2, tr("Prompt tokens"));
    m_completionTokens = statTile(grid, 3, tr("Completion tokens"));

    auto* snippetBox = new QGroupBox(tr("Connect a client"), this);
    auto* hint = new QLabel(tr("Point any OpenAI SDK or tool at the base URL with a gateway key "
                               "(create one on the Keys page) in <code>AGENTROUTER_API_KEY</code>."),
                            snippetBox);
    hint->setWordWrap(true);
    m_snippets = new SnippetTabs(snippetBox);
    auto* snippetLayout = new QVBoxLayout(snippetBox);
    snippetLayout->addWidget(hint);
    snippetLayout->addWidget(m_snippets, 1);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(statusBox);
    layout->addWidget(todayBox);
    layout->addWidget(snippetBox, 1);

    connect(m_startStop, &QPushButton::clicked, controller, &GatewayController::toggle);
    connect(controller, &GatewayController::stateChanged, this, &OverviewPage::refreshStatus);
    connect(stats, &TodayStats::changed, this, &OverviewPage::refreshStats);
    m_uptimeTimer = new QTimer(this);
    m_uptimeTimer->setInterval(1000);
    connect(m_uptimeTimer, &QTimer::timeout, this, [this] {
        m_uptime->setText(m_controller->running() ? formatUptime(m_controller->uptimeSeconds()) : tr("—"));
        refreshStats();  // also rolls the counters over at midnight
    });
    m_uptimeTimer->start();
    refreshStatus();
    refreshStats();
}

void OverviewPage::refreshStatus() {
    const bool running = m_controller->running();
    m_status->setText(running ? tr("● Running") : tr("● Stopped"));
    m_status->setStyleSheet(running ? QStringLiteral("color: #2e9d5b;") : QStringLiteral("color: #8a94a3;"));
    m_startStop->setText(running ? tr("Stop") : tr("Start"));
    m_startStop->setIcon(icon(running ? QStringLiteral("stop") : QStringLiteral("start")));
    const QString url = m_controller->configuredUrl();
    m_url->setText(url);
    m_snippets->setConnection(url);
    m_uptime->setText(running ? formatUptime(m_controller->uptimeSeconds()) : tr("—"));
    m_error->setVisible(!running && !m_controller->lastError().isEmpty());
    m_error->setText(tr("Could not start: %1").arg(m_controller->lastError()));
}

void OverviewPage::refreshStats() {
    m_requests->setText(formatCount(m_stats->requests()));
    m_errors->setText(formatCount(m_stats->errors()));
    m_promptTokens->setText(formatCount(m_stats->promptTokens()));
    m_completionTokens->setText(formatCount(m_stats->completionTokens()));
}

}  // namespace ar::gui
