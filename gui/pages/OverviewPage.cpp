#include "pages/OverviewPage.h"

#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QTimer>
#include <QVBoxLayout>

#include "Icons.h"
#include "models/Format.h"
#include "models/GatewayController.h"
#include "models/OverviewModel.h"
#include "widgets/CopyField.h"
#include "widgets/SnippetTabs.h"

namespace ar::gui {

namespace {

// A big number with a caption under it.
QLabel* statTile(QGridLayout* grid, int column, const QString& caption, const QString& period) {
    auto* value = new QLabel(QStringLiteral("—"));
    QFont f = value->font();
    f.setPointSizeF(f.pointSizeF() * 1.6);
    f.setBold(true);
    value->setFont(f);
    value->setAccessibleName(QStringLiteral("%1 %2").arg(caption, period));
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* label = new QLabel(caption);
    label->setForegroundRole(QPalette::PlaceholderText);
    grid->addWidget(value, 0, column);
    grid->addWidget(label, 1, column);
    grid->setColumnStretch(column, 1);
    return value;
}

QString periodWord(BudgetPeriod p) {
    switch (p) {
    case BudgetPeriod::Day: return QObject::tr("day");
    case BudgetPeriod::Week: return QObject::tr("week");
    case BudgetPeriod::Month: return QObject::tr("month");
    case BudgetPeriod::Total: break;
    }
    return QObject::tr("total");
}

QString spentIn(BudgetPeriod p) {
    switch (p) {
    case BudgetPeriod::Day: return QObject::tr("today");
    case BudgetPeriod::Week: return QObject::tr("this week");
    case BudgetPeriod::Month: return QObject::tr("this month");
    case BudgetPeriod::Total: break;
    }
    return QObject::tr("in total");
}

// Status colours readable on light and dark backgrounds alike.
QColor healthColour(HealthStatus s) {
    switch (s) {
    case HealthStatus::Healthy: return QColor(0x2e, 0x9d, 0x5b);
    case HealthStatus::CoolingDown: return QColor(0xd9, 0x8a, 0x1c);
    case HealthStatus::Unhealthy: return QColor(0xd0, 0x45, 0x3a);
    case HealthStatus::Unknown: break;
    }
    return QColor(0x8a, 0x94, 0xa3);
}

void clearGrid(QGridLayout* grid) {
    while (QLayoutItem* item = grid->takeAt(0)) {
        delete item->widget();
        delete item;
    }
}

}  // namespace

OverviewPage::OverviewPage(GatewayController* controller, OverviewModel* model, QWidget* parent)
    : QWidget(parent), m_controller(controller), m_model(model) {
    setAccessibleName(tr("Overview"));
    auto* content = new QWidget;

    auto* statusBox = new QGroupBox(tr("Gateway"), content);
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
    m_startStop->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    m_startStop->setToolTip(tr("Start or stop the gateway (Ctrl+Shift+S)"));
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

    auto* counters = new QHBoxLayout;
    for (auto [period, title] : {std::pair{QStringLiteral("today"), tr("Today")},
                                 std::pair{QStringLiteral("month"), tr("This month")}}) {
        auto* box = new QGroupBox(title, content);
        auto* grid = new QGridLayout(box);
        m_tiles.insert(period + QStringLiteral("/requests"), statTile(grid, 0, tr("Requests"), title));
        m_tiles.insert(period + QStringLiteral("/tokens"), statTile(grid, 1, tr("Tokens"), title));
        m_tiles.insert(period + QStringLiteral("/spend"), statTile(grid, 2, tr("Spend"), title));
        counters->addWidget(box, 1);
    }

    auto* budgetBox = new QGroupBox(tr("Key budgets"), content);
    m_budgets = new QWidget(budgetBox);
    m_budgets->setAccessibleName(tr("Key budgets"));
    m_budgetGrid = new QGridLayout(m_budgets);
    m_budgetGrid->setContentsMargins(0, 0, 0, 0);
    m_budgetGrid->setColumnStretch(1, 1);
    auto* budgetLayout = new QVBoxLayout(budgetBox);
    budgetLayout->addWidget(m_budgets);
    budgetLayout->addStretch(1);

    auto* healthBox = new QGroupBox(tr("Provider health"), content);
    m_health = new QWidget(healthBox);
    m_health->setAccessibleName(tr("Provider health"));
    m_healthGrid = new QGridLayout(m_health);
    m_healthGrid->setContentsMargins(0, 0, 0, 0);
    m_healthGrid->setColumnStretch(2, 1);
    auto* healthLayout = new QVBoxLayout(healthBox);
    healthLayout->addWidget(m_health);
    healthLayout->addStretch(1);

    auto* lists = new QHBoxLayout;
    lists->addWidget(budgetBox, 3);
    lists->addWidget(healthBox, 2);

    auto* snippetBox = new QGroupBox(tr("Connect a client"), content);
    auto* hint = new QLabel(tr("Point any OpenAI SDK or tool at the base URL with a gateway key "
                               "(create one on the Keys page) in <code>AGENTROUTER_API_KEY</code>."),
                            snippetBox);
    hint->setWordWrap(true);
    m_snippets = new SnippetTabs(snippetBox);
    m_snippets->setMinimumHeight(190);
    auto* snippetLayout = new QVBoxLayout(snippetBox);
    snippetLayout->addWidget(hint);
    snippetLayout->addWidget(m_snippets, 1);

    auto* layout = new QVBoxLayout(content);
    layout->addWidget(statusBox);
    layout->addLayout(counters);
    layout->addLayout(lists);
    layout->addWidget(snippetBox, 1);

    auto* scroll = new QScrollArea(this);
    scroll->setWidget(content);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(scroll);

    connect(m_startStop, &QPushButton::clicked, controller, &GatewayController::toggle);
    connect(controller, &GatewayController::stateChanged, this, &OverviewPage::refreshStatus);
    connect(controller, &GatewayController::stateChanged, model, &OverviewModel::refresh);
    connect(model, &OverviewModel::usageUpdated, this, &OverviewPage::refreshUsage);
    connect(model, &OverviewModel::healthUpdated, this, &OverviewPage::refreshHealth);
    m_uptimeTimer = new QTimer(this);
    m_uptimeTimer->setInterval(1000);
    connect(m_uptimeTimer, &QTimer::timeout, this, [this] {
        m_uptime->setText(m_controller->running() ? formatUptime(m_controller->uptimeSeconds()) : tr("—"));
    });
    m_uptimeTimer->start();
    refreshStatus();
    refreshUsage();
    refreshHealth();
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

void OverviewPage::refreshUsage() {
    for (auto [period, b] : {std::pair{QStringLiteral("today"), &m_model->today()},
                             std::pair{QStringLiteral("month"), &m_model->month()}}) {
        const bool known = m_model->hasLedger();
        tile(period, QStringLiteral("requests"))->setText(known ? formatCount(b->requests) : tr("—"));
        tile(period, QStringLiteral("tokens"))
            ->setText(known ? formatCount(b->promptTokens + b->completionTokens) : tr("—"));
        QLabel* spend = tile(period, QStringLiteral("spend"));
        spend->setText(known ? formatCost(b->costMicros) + (b->unknownCostRequests > 0 ? QStringLiteral("+") : QString())
                             : tr("—"));
        spend->setToolTip(b->unknownCostRequests > 0
                              ? tr("%n request(s) with an unknown price are not included", nullptr,
                                   int(b->unknownCostRequests))
                              : QString());
    }

    // Rows are rebuilt only when the keys change; values are updated in place (no flicker, focus
    // and tooltips stay).
    const QList<KeyBudgetStatus>& budgets = m_model->budgets();
    QStringList shape;
    for (const KeyBudgetStatus& b : budgets)
        shape << b.keyId + QLatin1Char('|') + b.keyName + QLatin1Char('|') + QString::number(b.hasBudget());
    if (shape != m_budgetShape || budgets.isEmpty()) {
        m_budgetShape = shape;
        clearGrid(m_budgetGrid);
        if (budgets.isEmpty()) {
            auto* none = new QLabel(m_model->hasLedger() ? tr("No active keys yet.") : tr("Usage ledger is off."),
                                    m_budgets);
            none->setForegroundRole(QPalette::PlaceholderText);
            m_budgetGrid->addWidget(none, 0, 0, 1, 3);
        }
        int row = 0;
        for (const KeyBudgetStatus& b : budgets) {
            auto* name = new QLabel(b.keyName, m_budgets);
            auto* caption = new QLabel(m_budgets);
            caption->setObjectName(QStringLiteral("budgetCaption:") + b.keyId);
            m_budgetGrid->addWidget(name, row, 0);
            if (b.hasBudget()) {
                auto* bar = new QProgressBar(m_budgets);
                bar->setObjectName(QStringLiteral("budgetBar:") + b.keyId);
                bar->setAccessibleName(tr("Budget used by %1").arg(b.keyName));
                bar->setRange(0, 1000);
                bar->setTextVisible(false);
                bar->setMaximumHeight(name->sizeHint().height());
                m_budgetGrid->addWidget(bar, row, 1);
                m_budgetGrid->addWidget(caption, row, 2);
            } else {
                caption->setForegroundRole(QPalette::PlaceholderText);
                m_budgetGrid->addWidget(caption, row, 1, 1, 2);
            }
            ++row;
        }
    }
    for (const KeyBudgetStatus& b : budgets) {
        QLabel* caption = budgetCaption(b.keyId);
        if (QProgressBar* bar = budgetBar(b.keyId)) {
            bar->setValue(int(qBound(0.0, b.fraction(), 1.0) * 1000));
            // Amber from 80%, red at the limit; the palette's own highlight below that.
            QPalette pal = palette();
            if (b.fraction() >= 0.8)
                pal.setColor(QPalette::Highlight,
                             b.fraction() >= 1.0 ? QColor(0xd0, 0x45, 0x3a) : QColor(0xd9, 0x8a, 0x1c));
            bar->setPalette(pal);
            caption->setText(tr("%1 of %2 per %3 (%4%)")
                                 .arg(formatCost(b.spendMicros), formatCost(b.budgetMicros), periodWord(b.period))
                                 .arg(qRound(b.fraction() * 100)));
            caption->setToolTip(b.resetsAt.isValid() ? tr("Resets %1").arg(QLocale().toString(
                                                            b.resetsAt.toLocalTime(), QLocale::ShortFormat))
                                                      : QString());
        } else if (caption) {
            caption->setText(tr("%1 %2 · no budget").arg(formatCost(b.spendMicros), spentIn(b.period)));
        }
    }
}

void OverviewPage::refreshHealth() {
    const QList<HealthReport>& health = m_model->health();
    QStringList shape;
    for (const HealthReport& h : health) shape << h.provider;
    if (shape != m_healthShape || health.isEmpty()) {
        m_healthShape = shape;
        clearGrid(m_healthGrid);
        if (health.isEmpty()) {
            auto* none = new QLabel(tr("No providers configured: add one on the Providers page."), m_health);
            none->setWordWrap(true);
            none->setForegroundRole(QPalette::PlaceholderText);
            m_healthGrid->addWidget(none, 0, 0, 1, 3);
        }
        int row = 0;
        for (const HealthReport& h : health) {
            auto* dot = new QLabel(QStringLiteral("●"), m_health);
            dot->setObjectName(QStringLiteral("healthDot:") + h.provider);
            auto* status = new QLabel(m_health);
            status->setObjectName(QStringLiteral("health:") + h.provider);
            status->setAccessibleName(tr("Health of %1").arg(h.provider));
            m_healthGrid->addWidget(dot, row, 0);
            m_healthGrid->addWidget(new QLabel(h.provider, m_health), row, 1);
            m_healthGrid->addWidget(status, row, 2);
            ++row;
        }
    }
    for (const HealthReport& h : health) {
        QLabel* status = healthLabel(h.provider);
        if (auto* dot = m_health->findChild<QLabel*>(QStringLiteral("healthDot:") + h.provider))
            dot->setStyleSheet(QStringLiteral("color: %1;").arg(healthColour(h.status).name()));
        QString text = healthStatusText(h.status);
        if (h.lastLatencyMs >= 0 && h.status != HealthStatus::Unknown)
            text += QStringLiteral(" · ") + formatDuration(h.lastLatencyMs);
        status->setText(text);
        status->setToolTip(h.down() ? h.lastError : QString());
    }
}

QProgressBar* OverviewPage::budgetBar(const QString& keyId) const {
    return m_budgets->findChild<QProgressBar*>(QStringLiteral("budgetBar:") + keyId);
}

QLabel* OverviewPage::budgetCaption(const QString& keyId) const {
    return m_budgets->findChild<QLabel*>(QStringLiteral("budgetCaption:") + keyId);
}

QLabel* OverviewPage::healthLabel(const QString& providerId) const {
    return m_health->findChild<QLabel*>(QStringLiteral("health:") + providerId);
}

}  // namespace ar::gui
