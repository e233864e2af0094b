#pragma once

#include <QFuture>
#include <QObject>
#include <functional>

#include "routing/HealthReport.h"
#include "usage/KeyBudgets.h"
#include "usage/UsageQueries.h"

class QTimer;

namespace ar {
class EventBus;
class Gateway;
class KeyService;
}  // namespace ar

namespace ar::gui {

// What the Overview shows besides the gateway status: requests, tokens and spend today and
// this month and every key's spend against its budget (from the ledger, queried off the GUI
// thread), and provider health (from the running proxy). Refreshes on a timer and shortly
// after requests finish.
class OverviewModel : public QObject {
    Q_OBJECT
public:
    using Clock = std::function<QDateTime()>;
    using HealthSource = std::function<QList<HealthReport>()>;
    static constexpr int kRefreshMs = 5000;

    // `usage` may be null (no ledger). None is owned.
    OverviewModel(UsageQueries* usage, KeyService* keys, Gateway* gateway, QObject* parent = nullptr);
    ~OverviewModel() override;  // waits for a query still running (it uses `usage`)

    void attach(EventBus* bus);  // refresh soon after each finished request
    void setClock(Clock clock) { m_clock = std::move(clock); }
    void setHealthSource(HealthSource source) { m_healthSource = std::move(source); }

    bool hasLedger() const { return m_usage != nullptr; }
    const UsageBucket& today() const { return m_today; }
    const UsageBucket& month() const { return m_month; }
    const QList<KeyBudgetStatus>& budgets() const { return m_budgets; }
    const QList<HealthReport>& health() const { return m_health; }
    bool loading() const { return m_inFlight; }

public Q_SLOTS:
    void refresh();

Q_SIGNALS:
    void usageUpdated();   // today, month, budgets
    void healthUpdated();

private:
    QDateTime now() const { return m_clock ? m_clock() : QDateTime::currentDateTime(); }
    void refreshHealth();

    UsageQueries* m_usage;
    KeyService* m_keys;
    Gateway* m_gateway;
    Clock m_clock;
    HealthSource m_healthSource;
    UsageBucket m_today, m_month;
    QList<KeyBudgetStatus> m_budgets;
    QList<HealthReport> m_health;
    QTimer* m_timer;
    QTimer* m_soon;
    QFuture<void> m_job;
    bool m_inFlight = false;
    bool m_again = false;
};

}  // namespace ar::gui
