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

// After the cool-down one trial request (the probe) goes first; everyone else keeps trying the
// provider last until the trial has an outcome.
TEST(ProviderHealth, CooledDownProviderLetsExactlyOneProbeThrough) {
    qint64 now = 0;
    ProviderHealth health(2, 10'000, [&] { return now; });
    health.recordFailure("a", "boom");
    health.recordFailure("a", "boom");
    EXPECT_EQ(health.circuit("a"), ProviderHealth::Circuit::Open);
    EXPECT_EQ(health.beginAttempt("a", 5000), 0) << "no probe while cooling down";

    now += 10'000;
    EXPECT_EQ(health.circuit("a"), ProviderHealth::Circuit::HalfOpen);
    EXPECT_FALSE(health.isDown("a")) << "the next request may probe";
    const qint64 probe = health.beginAttempt("a", 5000);
    EXPECT_GT(probe, 0);
    EXPECT_TRUE(health.isDown("a")) << "others go elsewhere first while the probe runs";
    EXPECT_EQ(health.beginAttempt("a", 5000), 0) << "only one probe at a time";
    EXPECT_EQ(health.beginAttempt("never-seen", 5000), 0);
}

TEST(ProviderHealth, SuccessfulProbeClosesTheCircuit) {
    qint64 now = 0;
    ProviderHealth health(2, 10'000, [&] { return now; });
    health.recordFailure("a", "boom");
    health.recordFailure("a", "boom");
    now += 10'000;
    ASSERT_GT(health.beginAttempt("a", 5000), 0);
    health.recordSuccess("a", 42);
    EXPECT_EQ(health.circuit("a"), ProviderHealth::Circuit::Closed);
    EXPECT_FALSE(health.isDown("a"));
    EXPECT_EQ(health.beginAttempt("a", 5000), 0) << "a closed circuit needs no probe";
    health.recordFailure("a", "one failure is not a run");
    EXPECT_EQ(health.circuit("a"), ProviderHealth::Circuit::Closed);
    EXPECT_EQ(health.state("a").trips, 0);
}

TEST(ProviderHealth, FailedProbeReopensWithADoubledCappedCooldown) {
    qint64 now = 0;
    ProviderHealth health(1, 10'000, [&] { return now; }, 25'000);
    health.recordFailure("a", "boom");  // trip 1: 10 s
    for (const qint64 cooldown : {20'000, 25'000, 25'000}) {  // doubled, then capped
        now = health.state("a").downUntilMs;
        ASSERT_GT(health.beginAttempt("a", 5000), 0);
        health.recordFailure("a", "still broken");
        EXPECT_EQ(health.circuit("a"), ProviderHealth::Circuit::Open);
        EXPECT_EQ(health.state("a").downUntilMs, now + cooldown);
        now += cooldown - 1;
        EXPECT_TRUE(health.isDown("a"));
        EXPECT_EQ(health.beginAttempt("a", 5000), 0);
    }
}

TEST(ProviderHealth, FailuresOfAttemptsStartedBeforeTheTripDoNotExtendTheCooldown) {
    qint64 now = 0;
    ProviderHealth health(1, 10'000, [&] { return now; });
    health.recordFailure("a", "boom");
    now += 9'000;
    health.recordFailure("a", "a slow request that was already running");
    EXPECT_EQ(health.state("a").downUntilMs, 10'000);
    EXPECT_EQ(health.state("a").trips, 1);
}

TEST(ProviderHealth, AProbeWithoutVerdictIsReleasedOrExpires) {
    qint64 now = 0;
    ProviderHealth health(1, 1'000, [&] { return now; });
    health.recordFailure("a", "boom");
    now += 1'000;
    const qint64 first = health.beginAttempt("a", 5000);
    ASSERT_GT(first, 0);
    health.abandonProbe("a", first);  // e.g. the client went away
    EXPECT_FALSE(health.isDown("a"));
    const qint64 second = health.beginAttempt("a", 5000);
    ASSERT_GT(second, 0);
    health.abandonProbe("a", first);  // stale: must not release the second probe
    EXPECT_TRUE(health.isDown("a"));
    now += 5'000;  // the second probe never reported back: its lease ran out
    EXPECT_FALSE(health.isDown("a"));
    EXPECT_GT(health.beginAttempt("a", 5000), 0);
}

TEST(ProviderHealth, JsonShowsTheCircuit) {
    qint64 now = 0;
    ProviderHealth health(1, 10'000, [&] { return now; });
    EXPECT_EQ(health.toJson("a").value("status").toString(), "up");
    health.recordFailure("a", "connection refused");
    QJsonObject a = health.toJson("a");
    EXPECT_EQ(a.value("status").toString(), "down");
    EXPECT_EQ(a.value("cooldown_remaining_ms").toInteger(), 10'000);
    EXPECT_EQ(a.value("trips").toInt(), 1);
    EXPECT_EQ(a.value("last_error").toString(), "connection refused");
    now += 10'000;
    EXPECT_EQ(health.toJson("a").value("status").toString(), "half_open");
    EXPECT_FALSE(health.toJson("a").value("probing").toBool());
    ASSERT_GT(health.beginAttempt("a", 100), 0);
    EXPECT_TRUE(health.toJson("a").value("probing").toBool());
    EXPECT_EQ(health.toJson().size(), 1);
    EXPECT_EQ(health.toJson().first().toObject().value("provider").toString(), "a");
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
