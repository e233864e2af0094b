#include "routing/ProviderHealth.h"

#include <QJsonObject>
#include <gtest/gtest.h>

#include "routing/RetryPolicy.h"

namespace ar {
namespace {

TEST(ProviderHealth, DownAfterThresholdAndUpAgainAfterCooldown) {
    qint64 now = 1000;
    ProviderHealth health(3, 30'000, [&] { return now; });
    health.recordFailure("a", "boom");
    health.recordFailure("a", "boom");
    EXPECT_FALSE(health.isDown("a"));
    health.recordFailure("a", "boom");
    EXPECT_TRUE(health.isDown("a"));
    now += 29'999;
    EXPECT_TRUE(health.isDown("a"));
    now += 2;
    EXPECT_FALSE(health.isDown("a"));
    EXPECT_FALSE(health.isDown("never-seen"));
}

TEST(ProviderHealth, SuccessResetsTheFailureRun) {
    ProviderHealth health(2, 1000, [] { return qint64(0); });
    health.recordFailure("a", "x");
    health.recordSuccess("a", 12);
    health.recordFailure("a", "x");
    EXPECT_FALSE(health.isDown("a"));
    EXPECT_EQ(health.state("a").lastLatencyMs, 12);
    EXPECT_EQ(health.state("a").failures, 2);
    EXPECT_EQ(health.toJson().first().toObject().value("status").toString(), "up");
}

TEST(RetryPolicy, BackoffGrowsExponentiallyWithJitterAndIsCapped) {
    RetryPolicy p;
    p.backoffInitialMs = 100;
    p.backoffMaxMs = 1000;
    EXPECT_EQ(p.backoffMs(2, 0.0), 50);    // half of 100
    EXPECT_EQ(p.backoffMs(2, 0.999), 99);  // up to 100
    EXPECT_EQ(p.backoffMs(3, 0.0), 100);   // half of 200
    EXPECT_EQ(p.backoffMs(4, 0.0), 200);   // half of 400
    EXPECT_EQ(p.backoffMs(9, 0.0), 500);   // capped at 1000
    EXPECT_TRUE(p.retriable(429));
    EXPECT_TRUE(p.retriable(503));
    EXPECT_FALSE(p.retriable(400));
    EXPECT_FALSE(p.retriable(401));
}

}  // namespace
}  // namespace ar
