// Prometheus /metrics: what a scraper on this machine reads after real requests, and that
// nothing else can read it.
#include <QJsonDocument>
#include <QRegularExpression>
#include <gtest/gtest.h>

#include "core/Gateway.h"
#include "support/FakeUpstream.h"
#include "support/GatewayHarness.h"
#include "support/TestClient.h"
#include "support/TestData.h"
#include "usage/Metrics.h"

namespace ar::test {
namespace {

// The value of the one sample line that starts with `series` (name and labels), or -1.
double sample(const QByteArray& text, const QByteArray& series) {
    for (const QByteArray& line : text.split('\n'))
        if (line.startsWith(series + ' ')) return line.mid(series.size() + 1).toDouble();
    return -1;
}

TEST(Metrics, CountersAndCumulativeHistogramsInTextFormat) {
    Metrics m;
    RequestEvent e;
    e.kind = RequestEvent::Kind::Finished;
    e.provider = "openai";
    e.model = "gpt \"4o\"\\mini";  // label values are escaped
    e.status = 200;
    e.usage.promptTokens = 100;
    e.usage.cachedTokens = 40;
    e.usage.completionTokens = 20;
    e.usage.reasoningTokens = 5;
    e.costMicros = 1500;
    e.latencyMs = 30;
    e.ttfbMs = 7;
    m.record(e);
    e.latencyMs = 700;
    e.ttfbMs = -1;       // no first byte: not observed
    e.costMicros = -1;   // unknown price: counted apart, not as $0
    m.record(e);

    const QByteArray text = m.exposition();
    const QByteArray l = R"(provider="openai",model="gpt \"4o\"\\mini",status="200")";
    EXPECT_EQ(sample(text, "agentrouter_requests_total{" + l + "}"), 2);
    EXPECT_EQ(sample(text, "agentrouter_tokens_total{" + l + ",type=\"prompt\"}"), 200);
    EXPECT_EQ(sample(text, "agentrouter_tokens_total{" + l + ",type=\"cached\"}"), 80);
    EXPECT_EQ(sample(text, "agentrouter_tokens_total{" + l + ",type=\"reasoning\"}"), 10);
    EXPECT_DOUBLE_EQ(sample(text, "agentrouter_cost_usd_total{" + l + "}"), 0.0015);
    EXPECT_EQ(sample(text, "agentrouter_unknown_cost_requests_total{" + l + "}"), 1);
    // Buckets are cumulative: 30 ms is under 0.05, 700 ms only from 1 s on.
    EXPECT_EQ(sample(text, "agentrouter_request_duration_seconds_bucket{" + l + ",le=\"0.025\"}"), 0);
    EXPECT_EQ(sample(text, "agentrouter_request_duration_seconds_bucket{" + l + ",le=\"0.05\"}"), 1);
    EXPECT_EQ(sample(text, "agentrouter_request_duration_seconds_bucket{" + l + ",le=\"0.5\"}"), 1);
    EXPECT_EQ(sample(text, "agentrouter_request_duration_seconds_bucket{" + l + ",le=\"1\"}"), 2);
    EXPECT_EQ(sample(text, "agentrouter_request_duration_seconds_bucket{" + l + ",le=\"+Inf\"}"), 2);
    EXPECT_DOUBLE_EQ(sample(text, "agentrouter_request_duration_seconds_sum{" + l + "}"), 0.73);
    EXPECT_EQ(sample(text, "agentrouter_time_to_first_byte_seconds_count{" + l + "}"), 1);
    // Every family is declared once, before its samples.
    EXPECT_EQ(text.count("# TYPE agentrouter_requests_total counter\n"), 1);
    EXPECT_EQ(text.count("# TYPE agentrouter_request_duration_seconds histogram\n"), 1);
    EXPECT_TRUE(text.endsWith('\n'));
}

class MetricsEndpointTest : public ::testing::Test {
protected:
    void SetUp() override {
        qputenv("AR_TEST_FAKE_KEY", "sk-upstream");
        upstream.setHandler([](const HttpRequest&) {
            return FakeResponse::json(200, testData("openai/chat_completion.json"));
        });
        gw = std::make_unique<GatewayHarness>(simpleConfig(upstream.baseUrl()));
        ASSERT_TRUE(gw->ok()) << qPrintable(gw->error());
    }
    FakeUpstream upstream;
    std::unique_ptr<GatewayHarness> gw;
};

TEST_F(MetricsEndpointTest, ScrapeAfterRequestsShowsThemByProviderModelAndStatus) {
    TestClient c(gw->port());
    const QByteArray chat = R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]})";
    ASSERT_EQ(c.request("POST", "/v1/chat/completions", chat, bearer(gw->key())).status, 200);
    ASSERT_EQ(c.request("POST", "/v1/chat/completions", chat, bearer(gw->key())).status, 200);
    ASSERT_EQ(c.request("POST", "/v1/chat/completions", chat, bearer("sk-ar-nope.wrong")).status, 401);
    gw->waitForFinished(3);

    const ClientResponse r = c.request("GET", "/metrics");  // no key needed on loopback
    ASSERT_EQ(r.status, 200) << r.body.constData();
    EXPECT_TRUE(r.header("content-type").startsWith("text/plain; version=0.0.4"));
    const QByteArray ok = R"(provider="fake",model="gpt-4o-mini",status="200")";
    EXPECT_EQ(sample(r.body, "agentrouter_requests_total{" + ok + "}"), 2);
    EXPECT_EQ(sample(r.body, "agentrouter_tokens_total{" + ok + ",type=\"prompt\"}"), 2 * 19);
    EXPECT_EQ(sample(r.body, "agentrouter_tokens_total{" + ok + ",type=\"completion\"}"), 2 * 8);
    EXPECT_GT(sample(r.body, "agentrouter_cost_usd_total{" + ok + "}"), 0);
    EXPECT_EQ(sample(r.body, "agentrouter_request_duration_seconds_count{" + ok + "}"), 2);
    EXPECT_EQ(sample(r.body, R"(agentrouter_requests_total{provider="",model="",status="401"})"), 1);
}

TEST_F(MetricsEndpointTest, OnlyForLoopbackHostNames) {
    TestClient c(gw->port());
    c.writeRaw("GET /metrics HTTP/1.1\r\nHost: metrics.evil.example\r\n\r\n");
    const ClientResponse r = c.read();
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(r.error("code"), "metrics_loopback_only");
    EXPECT_EQ(c.request("POST", "/metrics").status, 405);
    EXPECT_EQ(c.request("GET", "/metrics").status, 200);  // and it keeps serving
}

}  // namespace
}  // namespace ar::test
