// Retries, backoff, Retry-After, the whole-request deadline and provider health, end to end.
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QThread>
#include <atomic>
#include <gtest/gtest.h>

#include "routing/ProviderHealth.h"
#include "support/FakeUpstream.h"
#include "support/GatewayHarness.h"
#include "support/TestClient.h"
#include "support/TestData.h"

namespace ar::test {
namespace {

const QByteArray kBody = R"({"model":"m","messages":[{"role":"user","content":"hi"}]})";

QByteArray twoProviderConfig(const FakeUpstream& a, const FakeUpstream& b, const QByteArray& routing) {
    return R"({"server":{"port":0},"routing":)" + routing + R"(,
      "providers":[{"id":"a","type":"openai-compatible","base_url":")" + a.baseUrl().toUtf8() + R"("},
                   {"id":"b","type":"openai-compatible","base_url":")" + b.baseUrl().toUtf8() + R"("}],
      "routes":[{"model":"m","targets":[{"provider":"a"},{"provider":"b"}]},
                {"model":"only-a","targets":[{"provider":"a"}]}]})";
}

FakeResponse status(int code, const QByteArray& extraHeader = {}) {
    FakeResponse r = FakeResponse::json(code, testData(code == 429 ? "openai/error_429_rate_limit.json"
                                                                    : "openai/error_500_server.json"));
    if (!extraHeader.isEmpty()) r.steps[0].bytes.replace("\r\n\r\n", "\r\n" + extraHeader + "\r\n\r\n");
    return r;
}

TEST(Failover, SameTargetIsRetriedAfterBackoffWhenItIsTheOnlyOne) {
    FakeUpstream a, b;
    std::atomic<int> calls{0};
    a.setHandler([&](const HttpRequest&) {
        return ++calls == 1 ? status(503) : FakeResponse::json(200, testData("openai/chat_completion.json"));
    });
    GatewayHarness gw(twoProviderConfig(a, b, R"({"max_rounds":2,"backoff_initial_ms":20})"));
    ASSERT_TRUE(gw.ok()) << qPrintable(gw.error());
    TestClient c(gw.port());
    const ClientResponse r = c.request("POST", "/v1/chat/completions",
                                       R"({"model":"only-a","messages":[{"role":"user","content":"hi"}]})", bearer(gw.key()));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("x-agentrouter-attempts"), "2");
    EXPECT_EQ(a.requestCount(), 2);
    const auto finished = gw.waitForFinished(1);
    ASSERT_EQ(finished.size(), 1);
    EXPECT_EQ(finished[0].attempts, 2);
}

TEST(Failover, RetriesAreBoundedByRounds) {
    FakeUpstream a, b;
    a.setHandler([](const HttpRequest&) { return status(500); });
    b.setHandler([](const HttpRequest&) { return status(500); });
    GatewayHarness gw(twoProviderConfig(a, b, R"({"max_rounds":3,"backoff_initial_ms":10})"));
    ASSERT_TRUE(gw.ok());
    TestClient c(gw.port());
    const ClientResponse r = c.request("POST", "/v1/chat/completions", kBody, bearer(gw.key()));
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(a.requestCount() + b.requestCount(), 6);  // 3 rounds x 2 targets
    EXPECT_FALSE(r.error("message").isEmpty());
}

TEST(Failover, RetryAfterLongerThanAllowedIsReturnedToTheClient) {
    FakeUpstream a, b;
    a.setHandler([](const HttpRequest&) { return status(429, "retry-after: 120"); });
    GatewayHarness gw(twoProviderConfig(a, b, R"({"max_rounds":3,"max_retry_after_ms":5000})"));
    ASSERT_TRUE(gw.ok());
    TestClient c(gw.port());
    const ClientResponse r = c.request("POST", "/v1/chat/completions",
                                       R"({"model":"only-a","messages":[{"role":"user","content":"hi"}]})", bearer(gw.key()));
    EXPECT_EQ(r.status, 429);
    EXPECT_EQ(r.header("retry-after"), "120");
    EXPECT_EQ(r.error("code"), "rate_limit_exceeded");
    EXPECT_EQ(a.requestCount(), 1);
}

TEST(Failover, NoRetryStartsPastTheDeadline) {
    FakeUpstream a, b;
    a.setHandler([](const HttpRequest&) { return status(503); });
    GatewayHarness gw(twoProviderConfig(a, b, R"({"max_rounds":5,"backoff_initial_ms":60000,"backoff_max_ms":60000,"deadline_ms":1000})"));
    ASSERT_TRUE(gw.ok());
    TestClient c(gw.port());
    const ClientResponse r = c.request("POST", "/v1/chat/completions",
                                       R"({"model":"only-a","messages":[{"role":"user","content":"hi"}]})", bearer(gw.key()));
    EXPECT_EQ(r.status, 503);
    EXPECT_EQ(a.requestCount(), 1);
}

TEST(Failover, ProviderThatKeepsFailingIsTriedLast) {
    FakeUpstream a, b;
    a.setHandler([](const HttpRequest&) { return status(502); });
    b.setHandler([](const HttpRequest&) { return FakeResponse::json(200, testData("openai/chat_completion.json")); });
    GatewayHarness gw(twoProviderConfig(a, b, R"({"health_failure_threshold":2,"health_cooldown_ms":600000})"));
    ASSERT_TRUE(gw.ok());
    TestClient c(gw.port());
    for (int i = 0; i < 2; ++i) EXPECT_EQ(c.request("POST", "/v1/chat/completions", kBody, bearer(gw.key())).status, 200);
    EXPECT_EQ(a.requestCount(), 2);
    // a is now down: b is asked first and answers; a is left alone.
    for (int i = 0; i < 3; ++i) EXPECT_EQ(c.request("POST", "/v1/chat/completions", kBody, bearer(gw.key())).status, 200);
    EXPECT_EQ(a.requestCount(), 2);
    EXPECT_EQ(b.requestCount(), 5);
}

// Circuit breaker probe-back: after the cool-down (0 ms here, so no waiting) one request goes to
// the failed provider first; while it runs, other requests try the healthy one first; its success
// closes the circuit and the provider is preferred again.
TEST(Failover, CooledDownProviderIsProbedBackByOneRequest) {
    FakeUpstream a, b;
    std::atomic<int> calls{0};
    a.setHandler([&](const HttpRequest&) {
        const int n = ++calls;
        if (n == 1) return status(502);
        FakeResponse ok = FakeResponse::json(200, testData("openai/chat_completion.json"));
        ok.steps[0].gated = n == 2;  // the probe waits for release()
        return ok;
    });
    b.setHandler([](const HttpRequest&) { return FakeResponse::json(200, testData("openai/chat_completion.json")); });
    GatewayHarness gw(twoProviderConfig(a, b, R"({"health_failure_threshold":1,"health_cooldown_ms":0})"));
    ASSERT_TRUE(gw.ok());
    const ProviderHealth* health = gw.gateway().health();
    ASSERT_NE(health, nullptr);

    TestClient first(gw.port());
    ClientResponse r = first.request("POST", "/v1/chat/completions", kBody, bearer(gw.key()));
    EXPECT_EQ(r.header("x-agentrouter-provider"), "b");
    EXPECT_EQ(health->state("a").trips, 1);

    TestClient prober(gw.port());
    prober.send("POST", "/v1/chat/completions", kBody, bearer(gw.key()));
    QElapsedTimer waited;
    waited.start();
    while (a.requestCount() < 2 && waited.elapsed() < 5000) QThread::msleep(5);
    ASSERT_EQ(a.requestCount(), 2) << "the half-open provider got the trial request";
    EXPECT_TRUE(health->isDown("a"));
    EXPECT_EQ(health->toJson("a").value("status").toString(), "half_open");
    EXPECT_TRUE(health->toJson("a").value("probing").toBool());

    TestClient other(gw.port());
    r = other.request("POST", "/v1/chat/completions", kBody, bearer(gw.key()));
    EXPECT_EQ(r.header("x-agentrouter-provider"), "b") << "while the probe runs, others go to b first";
    EXPECT_EQ(a.requestCount(), 2);

    a.release();
    r = prober.read();
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("x-agentrouter-provider"), "a");
    EXPECT_EQ(health->circuit("a"), ProviderHealth::Circuit::Closed);

    r = first.request("POST", "/v1/chat/completions", kBody, bearer(gw.key()));
    EXPECT_EQ(r.header("x-agentrouter-provider"), "a") << "closed again: a is preferred";
    EXPECT_EQ(r.header("x-agentrouter-attempts"), "1");
}

TEST(Failover, EachFailedProbeTripsTheCircuitAgainAndFailsOverAtOnce) {
    FakeUpstream a, b;
    a.setHandler([](const HttpRequest&) { return status(503); });
    b.setHandler([](const HttpRequest&) { return FakeResponse::json(200, testData("openai/chat_completion.json")); });
    GatewayHarness gw(twoProviderConfig(a, b, R"({"health_failure_threshold":1,"health_cooldown_ms":0})"));
    ASSERT_TRUE(gw.ok());
    TestClient c(gw.port());
    for (int i = 1; i <= 3; ++i) {
        const ClientResponse r = c.request("POST", "/v1/chat/completions", kBody, bearer(gw.key()));
        EXPECT_EQ(r.status, 200);
        EXPECT_EQ(r.header("x-agentrouter-attempts"), "2") << "each probe fails over to b at once";
        EXPECT_EQ(gw.gateway().health()->state("a").trips, i);
    }
}

TEST(Failover, NothingIsRetriedOnceTheStreamHasStarted) {
    FakeUpstream a, b;
    a.setHandler([](const HttpRequest&) {
        return FakeResponse::cutSse(sseEvents(testData("openai/chat_stream_include_usage.sse")).mid(0, 2));
    });
    b.setHandler([](const HttpRequest&) { return FakeResponse::json(200, testData("openai/chat_completion.json")); });
    GatewayHarness gw(twoProviderConfig(a, b, R"({"max_rounds":3,"backoff_initial_ms":10})"));
    ASSERT_TRUE(gw.ok());
    TestClient c(gw.port());
    const ClientResponse r = c.request("POST", "/v1/chat/completions",
        R"({"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]})", bearer(gw.key()));
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(sseEvents(r.body).last().contains("upstream_stream_cut")) << r.body.constData();
    EXPECT_EQ(b.requestCount(), 0);
}

}  // namespace
}  // namespace ar::test
