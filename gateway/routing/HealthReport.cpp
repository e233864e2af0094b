#include "routing/HealthReport.h"

namespace ar {

HealthReport healthReport(const QString& provider, const ProviderHealth::State& s, qint64 nowMs) {
    HealthReport r;
    r.provider = provider;
    r.lastLatencyMs = s.lastLatencyMs;
    r.downUntilMs = s.downUntilMs;
    r.lastError = s.lastError;
    if (s.downUntilMs > nowMs)
        r.status = HealthStatus::CoolingDown;
    else if (s.downUntilMs > 0)
        r.status =
            HealthStatus::Unhealthy;  // marked down and no success since (a success clears it)
    else if (s.successes > 0 || s.failures > 0)
        r.status = HealthStatus::Healthy;
    return r;
}

QList<HealthReport> healthReports(const ProviderHealth& health, const QStringList& providers,
                                  qint64 nowMs) {
    QList<HealthReport> out;
    for (const QString& id : providers) out.append(healthReport(id, health.state(id), nowMs));
    return out;
}

QString healthStatusText(HealthStatus status) {
    switch (status) {
        case HealthStatus::Healthy:
            return QStringLiteral("healthy");
        case HealthStatus::CoolingDown:
            return QStringLiteral("cooling down");
        case HealthStatus::Unhealthy:
            return QStringLiteral("unhealthy");
        case HealthStatus::Unknown:
            break;
    }
    return QStringLiteral("no requests yet");
}

}  // namespace ar
