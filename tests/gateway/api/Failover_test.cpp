// Retries, backoff, Retry-After, the whole-request deadline and provider health, end to end.
#include <QJsonDocument>
#include <atomic>
#include <gtest/gtest.h>

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
