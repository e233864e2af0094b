#include "routing/ProviderHealth.h"

#include <QDateTime>
#include <QJsonObject>

namespace ar {

ProviderHealth::ProviderHealth(int failureThreshold, int cooldownMs, std::function<qint64()> nowMs)
    : m_threshold(qMax(1, failureThreshold)), m_cooldownMs(cooldownMs), m_now(std::move(nowMs)) {
    if (!m_now) m_now = [] { return QDateTime::currentMSecsSinceEpoch(); };
}

void ProviderHealth::recordSuccess(const QString& provider, qint64 latencyMs) {
    QMutexLocker lock(&m_mutex);
    State& s = m_states[provider];
    s.consecutiveFailures = 0;
    s.downUntilMs = 0;
    ++s.successes;
    s.lastLatencyMs = latencyMs;
}

void ProviderHealth::recordFailure(const QString& provider, const QString& error) {
    QMutexLocker lock(&m_mutex);
    State& s = m_states[provider];
    ++s.failures;
    s.lastError = error;
    if (++s.consecutiveFailures >= m_threshold) s.downUntilMs = m_now() + m_cooldownMs;
}

bool ProviderHealth::isDown(const QString& provider) const {
    QMutexLocker lock(&m_mutex);
    auto it = m_states.constFind(provider);
    return it != m_states.constEnd() && it->downUntilMs > m_now();
}

ProviderHealth::State ProviderHealth::state(const QString& provider) const {
    QMutexLocker lock(&m_mutex);
    return m_states.value(provider);
}

QJsonArray ProviderHealth::toJson() const {
    QMutexLocker lock(&m_mutex);
    QJsonArray out;
    const qint64 now = m_now();
    for (auto it = m_states.constBegin(); it != m_states.constEnd(); ++it) {
        out.append(QJsonObject{{QStringLiteral("provider"), it.key()},
                               {QStringLiteral("status"), it->downUntilMs > now ? QStringLiteral("down")
                                                                                 : QStringLiteral("up")},
                               {QStringLiteral("consecutive_failures"), it->consecutiveFailures},
                               {QStringLiteral("successes"), it->successes},
                               {QStringLiteral("failures"), it->failures},
                               {QStringLiteral("last_latency_ms"), it->lastLatencyMs},
                               {QStringLiteral("last_error"), it->lastError}});
    }
    return out;
}

}  // namespace ar
