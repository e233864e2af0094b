#pragma once

#include <QList>
#include <QString>
#include <QStringList>

#include "routing/ProviderHealth.h"

namespace ar {

// How a provider looks to a person (GUI, notifications), derived from ProviderHealth's counters.
enum class HealthStatus {
    Unknown,      // no request yet
    Healthy,      // the last attempt succeeded (or failures stayed under the threshold)
    CoolingDown,  // failed `threshold` times in a row: tried last until the cooldown ends
    Unhealthy,    // the cooldown ended and nothing has succeeded since
};

struct HealthReport {
    QString provider;
    HealthStatus status = HealthStatus::Unknown;
    qint64 lastLatencyMs = -1;
    qint64 downUntilMs = 0;
    QString lastError;

    bool down() const {
        return status == HealthStatus::CoolingDown || status == HealthStatus::Unhealthy;
    }
};

HealthReport healthReport(const QString& provider, const ProviderHealth::State& state,
                          qint64 nowMs);
// One report per provider id, in the given order.
QList<HealthReport> healthReports(const ProviderHealth& health, const QStringList& providers,
                                  qint64 nowMs);
QString healthStatusText(HealthStatus status);  // "healthy", "cooling down", ...

}  // namespace ar
