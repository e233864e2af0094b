#include "routing/HealthReport.h"

#include <gtest/gtest.h>

namespace ar {
namespace {

TEST(HealthReport, ClassifiesWhatThePersonSees) {
    qint64 now = 1000;
    ProviderHealth health(2, 30'000, [&] { return now; });
    health.recordSuccess("ok", 180);
    health.recordFailure("flaky", "timeout");  // under the threshold: still serving
    health.recordFailure("down", "connection refused");
    health.recordFailure("down", "connection refused");

    const QList<HealthReport> r = healthReports(health, {"ok", "flaky", "down", "idle"}, now);
    ASSERT_EQ(r.size(), 4);
    EXPECT_EQ(r[0].status, HealthStatus::Healthy);
    EXPECT_EQ(r[0].lastLatencyMs, 180);
    EXPECT_EQ(r[1].status, HealthStatus::Healthy);
    EXPECT_EQ(r[2].status, HealthStatus::CoolingDown);
    EXPECT_TRUE(r[2].down());
    EXPECT_EQ(r[2].lastError, "connection refused");
    EXPECT_EQ(r[3].status, HealthStatus::Unknown);
    EXPECT_FALSE(r[3].down());

    now += 30'001;  // cooldown over, nothing succeeded since: still not well
    EXPECT_EQ(healthReport("down", health.state("down"), now).status, HealthStatus::Unhealthy);
    health.recordSuccess("down", 90);
    EXPECT_EQ(healthReport("down", health.state("down"), now).status, HealthStatus::Healthy);
    EXPECT_EQ(healthStatusText(HealthStatus::CoolingDown), "cooling down");
}

}  // namespace
}  // namespace ar
