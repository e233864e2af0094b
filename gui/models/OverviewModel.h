#pragma once

#include <QDate>
#include <QElapsedTimer>
#include <QFuture>
#include <QHash>
#include <QObject>
#include <functional>

#include "events/RequestEvent.h"
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
// thread), and provider health (from the running proxy).
//
// Finished requests are added in memory as they come; the ledger is summed again now and then
// (kResumMs): a busy month is many rows to sum, and re-reading it after every burst of
// requests took a core's worth of CPU from the proxy under load.
class OverviewModel : public QObject {
    Q_OBJECT
public:
    using Clock = std::function<QDateTime()>;
    using HealthSource = std::function<QList<HealthReport>()>;
    static constexpr int kRefreshMs = 5000;  // provider health
    // Finished requests are counted in memory as the ledger sums them, so the ledger is summed
    // again only to confirm them (and to see keys created elsewhere): when the day changes, and
    // otherwise at most once a minute, once traffic has paused for kQuietMs (or after
    // kMaxStaleMs of steady traffic), and at most once per kQueryDutyFactor times the previous
    // sum took. Summing a busy month's rows every few seconds took CPU from the proxy under
    // load, and mid-burst the newest rows may still wait for the ledger's writer.
    static constexpr int kResumMs = 60'000;
    static constexpr int kQuietMs = 3'000;        // no request finished for this long
    static constexpr int kMaxStaleMs = 600'000;   // summed by then even under steady traffic
    static constexpr int kQueryDutyFactor = 20;
    static constexpr int kGatherMs = 250;  // finished requests reach this thread at most this late

    // `usage` may be null (no ledger). None is owned.
    OverviewModel(UsageQueries* usage, KeyService* keys, Gateway* gateway, QObject* parent = nullptr);
    ~OverviewModel() override;  // waits for a query still running (it uses `usage`)

    void attach(EventBus* bus);  // counts finished requests as they come
    void setClock(Clock clock) { m_clock = std::move(clock); }
    void setHealthSource(HealthSource source) { m_healthSource = std::move(source); }

    // Whether the timer sums the ledger again (a new day always does): `sinceSumMs` since the
    // last sum started (-1: never), which took `lastSumTookMs`; `sinceFinishedMs` since the
    // last request finished (-1: none yet).
    static bool sumDue(qint64 sinceSumMs, qint64 lastSumTookMs, qint64 sinceFinishedMs);

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
    void addFinished(const RequestEvent& e);

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
    // Finished since the running (or last) ledger query started: added to what it returns.
    UsageBucket m_sinceQuery;
    QHash<QString, qint64> m_spendSinceQuery;
    QElapsedTimer m_lastQueryStart;
    QElapsedTimer m_lastFinished;
    QDate m_lastQueryDay;  // local day of the last sum: a new day sums again at once
    qint64 m_lastQueryMs = 0;
    bool m_inFlight = false;
    bool m_again = false;
};

}  // namespace ar::gui
