#pragma once

#include <QHash>
#include <QJsonObject>
#include <QMutex>
#include <QObject>

#include "auth/KeyStore.h"
#include "core/Result.h"
#include "events/RequestEvent.h"
#include "providers/Translator.h"
#include "usage/Clock.h"
#include "usage/KeyPolicy.h"
#include "usage/RateWindow.h"

namespace ar {

class EventBus;
class LedgerQueries;
class PriceCatalog;

// A gateway-wide budget (config "usage": {"budget_usd", "budget_period"}).
struct GatewayBudget {
    qint64 budgetMicros = -1;  // -1: none
    BudgetPeriod period = BudgetPeriod::Month;
};

// Per-key policy enforcement before a request is forwarded: expiry, model allow-list,
// concurrency, requests and tokens per minute, budget per period; and the gateway-wide budget.
// Spend lives in memory (seeded from the ledger at start, updated by every Finished event on
// the publishing thread), so a check is a hash lookup under one mutex and never touches the
// database. Requests in flight reserve their estimated prompt cost (at least 1 µ$), so
// concurrent requests cannot all slip through on the last cent; a running stream is never
// cut — the request after it is refused.
class CostControls : public QObject {
    Q_OBJECT
public:

    CostControls(const PriceCatalog* prices, GatewayBudget gatewayBudget, Clock clock = systemClock(),
                 QObject* parent = nullptr);

    void seed(LedgerQueries& ledger);
    void attach(EventBus* bus);  // direct connection: spend is updated before the reply leaves

    // Admits a request or explains why not (401 key_expired, 403 model_not_allowed,
    // 429 rate_limit_exceeded with Retry-After, 429 budget_exceeded). An admitted request
    // holds a slot until the Finished event with `requestId`.
    Status admit(const KeyRecord& key, Endpoint endpoint, const ClientRequest& request,
                 const QString& upstreamModel, quint64 requestId);
    void onFinished(const RequestEvent& finished);

    // For /v1/me: {"period","spend_usd","budget_usd","remaining_usd","resets_at","in_flight"}.
    QJsonObject describe(const KeyRecord& key) const;
    qint64 spendMicros(const QString& keyId, BudgetPeriod period) const;  // "" = all keys

private:
    struct PeriodSpend {
        qint64 startMs = 0;
        qint64 micros = 0;
    };
    struct Account {
        PeriodSpend day, week, month;
        qint64 totalMicros = 0;
        RateWindow requests;  // admissions in the last minute
        RateWindow tokens;    // tokens of requests finished in the last minute
        int inFlight = 0;
        qint64 reservedMicros = 0;
    };
    struct InFlight {
        QString keyId;
        qint64 reservedMicros = 0;
    };

    qint64 spentLocked(const Account& a, BudgetPeriod period, const QDateTime& now) const;
    void addSpendLocked(Account& a, qint64 micros, qint64 atMs);
    // The parsed policy of a key, cached until its JSON changes (policy updates apply at once).
    Result<KeyPolicy> policyOf(const KeyRecord& key);
    qint64 reservationFor(Endpoint endpoint, const QJsonObject& request, const QString& upstreamModel) const;

    const PriceCatalog* m_prices;
    GatewayBudget m_gatewayBudget;
    Clock m_clock;
    mutable QMutex m_mutex;
    QHash<QString, Account> m_accounts;  // by key id
    Account m_gateway;
    QHash<quint64, InFlight> m_inFlight;
    QHash<QString, std::pair<QJsonObject, KeyPolicy>> m_policies;  // by key id
};

}  // namespace ar
