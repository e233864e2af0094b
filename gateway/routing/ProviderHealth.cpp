#include "routing/ProviderHealth.h"

#include <QDateTime>

namespace ar {

ProviderHealth::ProviderHealth(int failureThreshold, int cooldownMs, std::function<qint64()> nowMs,
                               int maxCooldownMs)
    : m_threshold(qMax(1, failureThreshold)),
      m_cooldownMs(qMax(0, cooldownMs)),
      m_maxCooldownMs(qMax(m_cooldownMs, maxCooldownMs)),
      m_now(std::move(nowMs)) {
    if (!m_now) m_now = [] { return QDateTime::currentMSecsSinceEpoch(); };
}

qint64 ProviderHealth::cooldownFor(int trips) const {
    return qMin<qint64>(m_maxCooldownMs, qint64(m_cooldownMs) << qBound(0, trips - 1, 20));
}

ProviderHealth::Circuit ProviderHealth::circuitOf(const State& s, qint64 now) const {
    if (s.trips == 0) return Circuit::Closed;
    return now < s.downUntilMs ? Circuit::Open : Circuit::HalfOpen;
}

void ProviderHealth::recordSuccess(const QString& provider, qint64 latencyMs) {
    QMutexLocker lock(&m_mutex);
    State& s = m_states[provider];
    s.consecutiveFailures = 0;
    s.downUntilMs = 0;
    s.trips = 0;
    s.probeToken = 0;
    s.probeUntilMs = 0;
    ++s.successes;
    s.lastLatencyMs = latencyMs;
}

void ProviderHealth::recordFailure(const QString& provider, const QString& error) {
    QMutexLocker lock(&m_mutex);
    State& s = m_states[provider];
    const qint64 now = m_now();
    ++s.failures;
    ++s.consecutiveFailures;
    s.lastError = error;
    switch (circuitOf(s, now)) {
        case Circuit::Closed:
            if (s.consecutiveFailures < m_threshold) return;
            s.trips = 1;
            break;
        case Circuit::Open:
            // Attempts that started before the circuit opened are still failing: no news.
            return;
        case Circuit::HalfOpen:
            ++s.trips;  // the provider is still failing after its cool-down: wait longer
            break;
    }
    s.downUntilMs = now + cooldownFor(s.trips);
    s.probeToken = 0;
    s.probeUntilMs = 0;
}

bool ProviderHealth::isDown(const QString& provider) const {
    QMutexLocker lock(&m_mutex);
    auto it = m_states.constFind(provider);
    if (it == m_states.constEnd()) return false;
    const qint64 now = m_now();
    switch (circuitOf(*it, now)) {
        case Circuit::Closed:
            return false;
        case Circuit::Open:
            return true;
        case Circuit::HalfOpen:
            return it->probeToken != 0 && now < it->probeUntilMs;
    }
    return false;
}

ProviderHealth::Circuit ProviderHealth::circuit(const QString& provider) const {
    QMutexLocker lock(&m_mutex);
    return circuitOf(m_states.value(provider), m_now());
}

qint64 ProviderHealth::beginAttempt(const QString& provider, int leaseMs) {
    QMutexLocker lock(&m_mutex);
    auto it = m_states.find(provider);
    if (it == m_states.end()) return 0;
    const qint64 now = m_now();
    if (circuitOf(*it, now) != Circuit::HalfOpen) return 0;
    if (it->probeToken != 0 && now < it->probeUntilMs) return 0;  // another trial is running
    it->probeToken = m_nextToken++;
    it->probeUntilMs = now + qMax(1, leaseMs);
    return it->probeToken;
}

void ProviderHealth::abandonProbe(const QString& provider, qint64 token) {
    QMutexLocker lock(&m_mutex);
    auto it = m_states.find(provider);
    if (it == m_states.end() || token == 0 || it->probeToken != token) return;
    it->probeToken = 0;
    it->probeUntilMs = 0;
}

ProviderHealth::State ProviderHealth::state(const QString& provider) const {
    QMutexLocker lock(&m_mutex);
    return m_states.value(provider);
}

QJsonObject ProviderHealth::describe(const QString& provider, const State& s, qint64 now) const {
    const Circuit c = circuitOf(s, now);
    const bool probing = c == Circuit::HalfOpen && s.probeToken != 0 && now < s.probeUntilMs;
    return QJsonObject{
        {QStringLiteral("provider"), provider},
        {QStringLiteral("status"), c == Circuit::Closed ? QStringLiteral("up")
                                   : c == Circuit::Open ? QStringLiteral("down")
                                                        : QStringLiteral("half_open")},
        {QStringLiteral("probing"), probing},
        {QStringLiteral("cooldown_remaining_ms"), c == Circuit::Open ? s.downUntilMs - now : 0},
        {QStringLiteral("trips"), s.trips},
        {QStringLiteral("consecutive_failures"), s.consecutiveFailures},
        {QStringLiteral("successes"), s.successes},
        {QStringLiteral("failures"), s.failures},
        {QStringLiteral("last_latency_ms"), s.lastLatencyMs},
        {QStringLiteral("last_error"), s.lastError}};
}

QJsonObject ProviderHealth::toJson(const QString& provider) const {
    QMutexLocker lock(&m_mutex);
    return describe(provider, m_states.value(provider), m_now());
}

QJsonArray ProviderHealth::toJson() const {
    QMutexLocker lock(&m_mutex);
    QJsonArray out;
    const qint64 now = m_now();
    for (auto it = m_states.constBegin(); it != m_states.constEnd(); ++it)
        out.append(describe(it.key(), *it, now));
    return out;
}

}  // namespace ar
