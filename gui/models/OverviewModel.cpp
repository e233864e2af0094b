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
    connect(m_timer, &QTimer::timeout, this, &OverviewModel::refresh);
    m_timer->start();
    m_soon = new QTimer(this);
    m_soon->setSingleShot(true);
    m_soon->setInterval(1000);  // coalesces a burst of finished requests into one query
    connect(m_soon, &QTimer::timeout, this, &OverviewModel::refresh);
}

OverviewModel::~OverviewModel() { m_job.waitForFinished(); }

void OverviewModel::attach(EventBus* bus) {
    bus->subscribeQueued(this, EventBus::bit(RequestEvent::Kind::Finished), [this](const RequestEvent&) {
        if (!m_soon->isActive()) m_soon->start();
    });
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
    const QDateTime local = now().toLocalTime();
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
            m_today = s.today;
            m_month = s.month;
            m_budgets = s.budgets;
            m_inFlight = false;
            Q_EMIT usageUpdated();
            if (m_again) {
                m_again = false;
                refresh();
            }
        });
}

}  // namespace ar::gui
