#include "models/OverviewModel.h"

#include <QTimer>

#include "core/Gateway.h"
#include "events/EventBus.h"
#include "keys/KeyService.h"
#include "models/Async.h"

namespace ar::gui {

namespace {

struct UsageSnapshot {
    UsageBucket today, month;
    QList<KeyBudgetStatus> budgets;
};

}  // namespace

OverviewModel::OverviewModel(UsageQueries* usage, KeyService* keys, Gateway* gateway, QObject* parent)
    : QObject(parent), m_usage(usage), m_keys(keys), m_gateway(gateway) {
    m_timer = new QTimer(this);
    m_timer->setInterval(kRefreshMs);
    connect(m_timer, &QTimer::timeout, this, [this] {
        const bool newDay = m_lastQueryDay != now().toLocalTime().date();
        const qint64 sinceSum = m_lastQueryStart.isValid() ? m_lastQueryStart.elapsed() : -1;
        const qint64 sinceFinished = m_lastFinished.isValid() ? m_lastFinished.elapsed() : -1;
        if (newDay || sumDue(sinceSum, m_lastQueryMs, sinceFinished)) refresh();
        else refreshHealth();  // usage keeps counting in memory
    });
    m_timer->start();
    m_soon = new QTimer(this);
    m_soon->setSingleShot(true);
    m_soon->setInterval(1000);  // one repaint for a burst of finished requests
    connect(m_soon, &QTimer::timeout, this, &OverviewModel::usageUpdated);
}

bool OverviewModel::sumDue(qint64 sinceSumMs, qint64 lastSumTookMs, qint64 sinceFinishedMs) {
    if (sinceSumMs < 0) return true;  // never summed
    // While requests flow, the rows of the last ones may still wait for the ledger's writer,
    // and a sum of a busy month competes with the proxy: sum when traffic has paused, or at
    // the latest after kMaxStaleMs.
    const bool quiet = sinceFinishedMs < 0 || sinceFinishedMs >= kQuietMs;
    return sinceSumMs >= kResumMs && sinceSumMs >= kQueryDutyFactor * lastSumTookMs &&
           (quiet || sinceSumMs >= kMaxStaleMs);
}

OverviewModel::~OverviewModel() { m_job.waitForFinished(); }

void OverviewModel::attach(EventBus* bus) {
    bus->subscribeQueued(this, EventBus::bit(RequestEvent::Kind::Finished), [this](const RequestEvent& e) {
        addFinished(e);
        if (!m_soon->isActive()) m_soon->start();
    }, kGatherMs, EventBus::Payloads::Drop);  // counts only: the answer's body is not needed
}

void OverviewModel::addFinished(const RequestEvent& e) {
    m_lastFinished.start();
    // As the ledger will count it (LedgerQueries::buckets).
    UsageBucket one;
    one.requests = 1;
    one.errors = e.status >= 400 ? 1 : 0;
    one.promptTokens = qMax<qint64>(0, e.usage.promptTokens);
    one.cachedTokens = qMax<qint64>(0, e.usage.cachedTokens);
    one.cacheWriteTokens = qMax<qint64>(0, e.usage.cacheWriteTokens);
    one.completionTokens = qMax<qint64>(0, e.usage.completionTokens);
    one.reasoningTokens = qMax<qint64>(0, e.usage.reasoningTokens);
    one.costMicros = qMax<qint64>(0, e.costMicros);
    one.unknownCostRequests = e.costMicros < 0 ? 1 : 0;
    for (UsageBucket* b : {&m_today, &m_month, &m_sinceQuery}) b->addCounts(one);
    if (e.costMicros > 0 && !e.keyId.isEmpty()) {
        m_spendSinceQuery[e.keyId] += e.costMicros;
        for (KeyBudgetStatus& k : m_budgets)
            if (k.keyId == e.keyId) k.spendMicros += e.costMicros;
    }
}

void OverviewModel::refreshHealth() {
    QList<HealthReport> health;
    if (m_healthSource) {
        health = m_healthSource();
    } else if (m_gateway) {
        QStringList ids;
        for (const ProviderConfig& p : m_gateway->config().providers) ids << p.id;
        if (const ProviderHealth* h = m_gateway->health())
            health = healthReports(*h, ids, QDateTime::currentMSecsSinceEpoch());
        else
            for (const QString& id : ids) health.append(healthReport(id, {}, 0));  // stopped: unknown
    }
    m_health = health;
    Q_EMIT healthUpdated();
}

void OverviewModel::refresh() {
    refreshHealth();  // in memory under a mutex: cheap enough for this thread
    if (!m_usage || !m_keys) return;
    if (m_inFlight) {
        m_again = true;  // one more round when the running one lands
        return;
    }
    m_inFlight = true;
    m_sinceQuery = {};
    m_spendSinceQuery.clear();
    m_lastQueryStart.start();
    const QDateTime local = now().toLocalTime();
    m_lastQueryDay = local.date();
    const QDateTime dayStart(local.date(), QTime(0, 0));
    const QDateTime monthStart(QDate(local.date().year(), local.date().month(), 1), QTime(0, 0));
    const QDateTime to = local.addSecs(1).toUTC();
    const QList<KeyRecord> keys = m_keys->list();
    UsageQueries* usage = m_usage;
    m_job = runAsync<UsageSnapshot>(
        this,
        [usage, keys, dayStart, monthStart, to] {
            UsageSnapshot s;
            s.today = usage->totals(dayStart.toUTC(), to);
            s.month = usage->totals(monthStart.toUTC(), to);
            s.budgets = keyBudgetStatuses(keys, *usage, to.addSecs(-1));
            return s;
        },
        [this](UsageSnapshot s) {
            m_lastQueryMs = m_lastQueryStart.elapsed();
            // Plus what finished while it ran (rows it may not have seen yet).
            m_today = s.today;
            m_today.addCounts(m_sinceQuery);
            m_month = s.month;
            m_month.addCounts(m_sinceQuery);
            m_budgets = s.budgets;
            for (KeyBudgetStatus& k : m_budgets) k.spendMicros += m_spendSinceQuery.value(k.keyId);
            m_inFlight = false;
            Q_EMIT usageUpdated();
            if (m_again) {
                m_again = false;
                refresh();
            }
        });
}

}  // namespace ar::gui
