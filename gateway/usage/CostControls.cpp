#include "usage/CostControls.h"

#include <cmath>

#include "events/EventBus.h"
#include "usage/CostCalculator.h"
#include "usage/LedgerQueries.h"
#include "usage/PriceCatalog.h"
#include "usage/UsageEstimator.h"

namespace ar {

namespace {

QString usd(qint64 micros) { return QStringLiteral("$") + QString::fromLatin1(formatUsd(micros)); }

int secondsUntil(qint64 nowMs, qint64 atMs) {
    return int(qMax<qint64>(1, (atMs - nowMs + 999) / 1000));
}

QString periodAdjective(BudgetPeriod p) {
    switch (p) {
        case BudgetPeriod::Day: return QStringLiteral("daily");
        case BudgetPeriod::Week: return QStringLiteral("weekly");
        case BudgetPeriod::Month: return QStringLiteral("monthly");
        case BudgetPeriod::Total: break;
    }
    return QStringLiteral("total");
}

QString resetPhrase(BudgetPeriod p, const QDateTime& now) {
    if (p == BudgetPeriod::Total) return QStringLiteral("it does not reset");
    return QStringLiteral("it resets at %1").arg(periodEnd(p, now).toString(Qt::ISODate));
}

}  // namespace

CostControls::CostControls(const PriceCatalog* prices, GatewayBudget gatewayBudget, Clock clock,
                           QObject* parent)
    : QObject(parent), m_prices(prices), m_gatewayBudget(gatewayBudget), m_clock(std::move(clock)) {}

void CostControls::seed(LedgerQueries& ledger) {
    const QDateTime now = m_clock();
    const QHash<QString, qint64> day = ledger.spendByKeySince(periodStart(BudgetPeriod::Day, now));
    const QHash<QString, qint64> week = ledger.spendByKeySince(periodStart(BudgetPeriod::Week, now));
    const QHash<QString, qint64> month = ledger.spendByKeySince(periodStart(BudgetPeriod::Month, now));
    const QHash<QString, qint64> total = ledger.spendByKeySince(periodStart(BudgetPeriod::Total, now));
    QMutexLocker lock(&m_mutex);
    auto fill = [&](Account& a, const QString& key, bool all) {
        auto sum = [&](const QHash<QString, qint64>& h) {
            if (!all) return h.value(key);
            qint64 s = 0;
            for (qint64 v : h) s += v;
            return s;
        };
        a.day = {periodStart(BudgetPeriod::Day, now).toMSecsSinceEpoch(), sum(day)};
        a.week = {periodStart(BudgetPeriod::Week, now).toMSecsSinceEpoch(), sum(week)};
        a.month = {periodStart(BudgetPeriod::Month, now).toMSecsSinceEpoch(), sum(month)};
        a.totalMicros = sum(total);
    };
    for (auto it = total.begin(); it != total.end(); ++it) fill(m_accounts[it.key()], it.key(), false);
    fill(m_gateway, {}, true);
}

void CostControls::attach(EventBus* bus) {
    bus->subscribeDirect(this, EventBus::bit(RequestEvent::Kind::Finished),
                         [this](const RequestEvent& e) { onFinished(e); });
}

qint64 CostControls::spentLocked(const Account& a, BudgetPeriod period, const QDateTime& now) const {
    if (period == BudgetPeriod::Total) return a.totalMicros;
    const PeriodSpend& s = period == BudgetPeriod::Day ? a.day : period == BudgetPeriod::Week ? a.week : a.month;
    // A stored period that is not the current one has rolled over.
    return s.startMs == periodStart(period, now).toMSecsSinceEpoch() ? s.micros : 0;
}

void CostControls::addSpendLocked(Account& a, qint64 micros, qint64 atMs) {
    a.totalMicros += micros;
    for (auto [period, spend] : {std::pair{BudgetPeriod::Day, &a.day}, std::pair{BudgetPeriod::Week, &a.week},
                                 std::pair{BudgetPeriod::Month, &a.month}}) {
        const qint64 start = periodStartMs(period, atMs);
        if (start > spend->startMs) *spend = {start, micros};
        else if (start == spend->startMs) spend->micros += micros;
    }
}

Result<KeyPolicy> CostControls::policyOf(const KeyRecord& key) {
    {
        QMutexLocker lock(&m_mutex);
        auto it = m_policies.constFind(key.id);
        if (it != m_policies.constEnd() && it->first == key.policy) return it->second;
    }
    auto parsed = KeyPolicy::fromJson(key.policy);  // once per key and policy version
    if (!parsed) return parsed;
    QMutexLocker lock(&m_mutex);
    m_policies.insert(key.id, {key.policy, parsed.value()});
    return parsed;
}

qint64 CostControls::reservationFor(Endpoint endpoint, const QJsonObject& request,
                                    const QString& upstreamModel) const {
    qint64 micros = -1;
    if (m_prices) {
        CostInput in;
        in.endpoint = endpoint;
        in.model = upstreamModel;
        in.fallbackModel = request.value(QStringLiteral("model")).toString();
        in.usage.promptTokens = usage_estimate::promptTokens(endpoint, request);
        in.usage.completionTokens = 0;
        in.images = qMax(1, request.value(QStringLiteral("n")).toInt(1));
        in.imageSize = request.value(QStringLiteral("size")).toString();
        in.imageQuality = request.value(QStringLiteral("quality")).toString();
        micros = costMicros(*m_prices, in);
    }
    return qMax<qint64>(1, micros);
}

Status CostControls::admit(const KeyRecord& key, Endpoint endpoint, const ClientRequest& request,
                           const QString& upstreamModel, quint64 requestId) {
    auto parsed = policyOf(key);
    if (!parsed) return ApiError::internal(QStringLiteral("The policy of key '%1' is invalid: %2")
                                               .arg(key.id, parsed.error().message));
    const KeyPolicy& policy = parsed.value();
    const QDateTime now = m_clock();
    const qint64 nowMs = now.toMSecsSinceEpoch();
    // Only refusals name the key: build that text only for them.
    const auto whoText = [&key] { return QStringLiteral("key '%1'").arg(key.name.isEmpty() ? key.id : key.name); };

    if (policy.expiresAt.isValid() && now >= policy.expiresAt)
        return ApiError::unauthorized(QStringLiteral("The API key %1 expired at %2.")
                                          .arg(whoText(), policy.expiresAt.toString(Qt::ISODate)),
                                      QStringLiteral("key_expired"));
    const QString& model = request.model();
    if (!policy.allowsModel(model))
        return ApiError::forbidden(QStringLiteral("The model '%1' is not allowed for %2 (allowed: %3).")
                                       .arg(model, whoText(), policy.models.join(QStringLiteral(", "))),
                                   QStringLiteral("model_not_allowed"));
    // Estimated only where a budget will weigh it: it walks the whole request (and so parses it).
    const bool budgeted = policy.budgetMicros >= 0 || m_gatewayBudget.budgetMicros >= 0;
    const qint64 reservation = budgeted ? reservationFor(endpoint, request.object(), upstreamModel) : 0;

    QMutexLocker lock(&m_mutex);
    Account& a = m_accounts[key.id];
    auto rateLimited = [&](const QString& limit, qint64 resetMs) {
        const int wait = secondsUntil(nowMs, resetMs);
        return ApiError::tooManyRequests(
            QStringLiteral("Rate limit reached for %1: %2. Retry after %3 s (at %4).")
                .arg(whoText(), limit)
                .arg(wait)
                .arg(QDateTime::fromMSecsSinceEpoch(resetMs, Qt::UTC).toString(Qt::ISODate)),
            QStringLiteral("rate_limit_exceeded"), wait);
    };
    if (policy.maxConcurrent > 0 && a.inFlight >= policy.maxConcurrent) {
        ApiError e = ApiError::tooManyRequests(
            QStringLiteral("Rate limit reached for %1: %2 concurrent requests (max_concurrent). "
                           "Retry when one of them finishes.").arg(whoText()).arg(policy.maxConcurrent),
            QStringLiteral("rate_limit_exceeded"), 1);
        return e;
    }
    if (policy.rpm > 0 && a.requests.total(nowMs) >= policy.rpm)
        return rateLimited(QStringLiteral("%1 requests per minute (rpm)").arg(policy.rpm),
                           a.requests.belowAt(nowMs, policy.rpm));
    if (policy.tpm > 0 && a.tokens.total(nowMs) >= policy.tpm)
        return rateLimited(QStringLiteral("%1 tokens per minute (tpm)").arg(policy.tpm),
                           a.tokens.belowAt(nowMs, policy.tpm));
    if (policy.budgetMicros >= 0) {
        const qint64 spent = spentLocked(a, policy.period, now);
        if (spent + a.reservedMicros >= policy.budgetMicros)
            return ApiError::tooManyRequests(
                QStringLiteral("Budget exceeded for %1: %2 spent of its %3 %4 budget%5; %6.")
                    .arg(whoText(), usd(spent), usd(policy.budgetMicros), periodAdjective(policy.period),
                         a.reservedMicros > 0 ? QStringLiteral(" (requests in flight hold the rest)") : QString(),
                         resetPhrase(policy.period, now)),
                QStringLiteral("budget_exceeded"), -1);
    }
    if (m_gatewayBudget.budgetMicros >= 0) {
        const qint64 spent = spentLocked(m_gateway, m_gatewayBudget.period, now);
        if (spent + m_gateway.reservedMicros >= m_gatewayBudget.budgetMicros)
            return ApiError::tooManyRequests(
                QStringLiteral("Budget exceeded for the gateway: %1 spent of its %2 %3 budget; %4.")
                    .arg(usd(spent), usd(m_gatewayBudget.budgetMicros), periodAdjective(m_gatewayBudget.period),
                         resetPhrase(m_gatewayBudget.period, now)),
                QStringLiteral("budget_exceeded"), -1);
    }
    a.requests.add(nowMs, 1);
    ++a.inFlight;
    a.reservedMicros += reservation;
    m_gateway.reservedMicros += reservation;
    m_inFlight.insert(requestId, {key.id, reservation});
    return Ok{};
}

void CostControls::onFinished(const RequestEvent& e) {
    const qint64 nowMs = m_clock().toMSecsSinceEpoch();
    QMutexLocker lock(&m_mutex);
    if (auto it = m_inFlight.find(e.requestId); it != m_inFlight.end()) {
        Account& a = m_accounts[it->keyId];
        --a.inFlight;
        a.reservedMicros -= it->reservedMicros;
        m_gateway.reservedMicros -= it->reservedMicros;
        m_inFlight.erase(it);
    }
    if (e.keyId.isEmpty()) return;
    Account& a = m_accounts[e.keyId];
    if (e.costMicros > 0) {
        addSpendLocked(a, e.costMicros, nowMs);
        addSpendLocked(m_gateway, e.costMicros, nowMs);
    }
    if (e.usage.totalTokens() > 0) a.tokens.add(nowMs, e.usage.totalTokens());
}

qint64 CostControls::spendMicros(const QString& keyId, BudgetPeriod period) const {
    const QDateTime now = m_clock();
    QMutexLocker lock(&m_mutex);
    if (keyId.isEmpty()) return spentLocked(m_gateway, period, now);
    auto it = m_accounts.constFind(keyId);
    return it == m_accounts.constEnd() ? 0 : spentLocked(*it, period, now);
}

QJsonObject CostControls::describe(const KeyRecord& key) const {
    const auto parsed = KeyPolicy::fromJson(key.policy);
    const KeyPolicy policy = parsed ? parsed.value() : KeyPolicy{};
    const QDateTime now = m_clock();
    qint64 spent = 0;
    int inFlight = 0;
    {
        QMutexLocker lock(&m_mutex);
        auto it = m_accounts.constFind(key.id);
        if (it != m_accounts.constEnd()) {
            spent = spentLocked(*it, policy.period, now);
            inFlight = it->inFlight;
        }
    }
    const QJsonValue null(QJsonValue::Null);
    const QDateTime resets = periodEnd(policy.period, now);
    const bool budgeted = policy.budgetMicros >= 0;
    return QJsonObject{
        {QStringLiteral("period"), budgetPeriodName(policy.period)},
        {QStringLiteral("period_start"), periodStart(policy.period, now).toString(Qt::ISODate)},
        {QStringLiteral("resets_at"), resets.isValid() ? QJsonValue(resets.toString(Qt::ISODate)) : null},
        {QStringLiteral("spend_usd"), double(spent) / 1e6},
        {QStringLiteral("budget_usd"), budgeted ? QJsonValue(double(policy.budgetMicros) / 1e6) : null},
        {QStringLiteral("remaining_usd"),
         budgeted ? QJsonValue(double(qMax<qint64>(0, policy.budgetMicros - spent)) / 1e6) : null},
        {QStringLiteral("in_flight"), inFlight}};
}

}  // namespace ar
