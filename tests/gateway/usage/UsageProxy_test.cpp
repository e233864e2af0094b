// End-to-end: costs visible to the client, usage in the ledger (streams, cut streams,
// estimates, images) and the cost controls, through a real gateway on port 0 with an
// injected clock.
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <gtest/gtest.h>

#include "auth/KeyStore.h"
#include "core/Gateway.h"
#include "support/FakeUpstream.h"
#include "support/GatewayHarness.h"
#include "support/TestClient.h"
#include "support/TestData.h"
#include "usage/UsageQueries.h"

namespace ar::test {
namespace {

const QByteArray kChat = R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say good morning."}]})";
const QByteArray kStreamWithUsage =
    R"({"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]})";
const QByteArray kStream = R"({"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"Say good morning."}]})";

class UsageProxyTest : public ::testing::Test {
protected:
    void SetUp() override {
        qputenv("AR_TEST_FAKE_KEY", "sk-upstream");
        upstream = std::make_unique<FakeUpstream>();
        upstream->setHandler([](const HttpRequest& r) {
            if (r.path == "/v1/chat/completions") {
                if (QJsonDocument::fromJson(r.body)["stream"].toBool())
                    return FakeResponse::sse(sseEvents(testData("openai/chat_stream_include_usage.sse")));
                return FakeResponse::json(200, testData("openai/chat_completion.json"));
            }
            if (r.path == "/v1/images/generations") return FakeResponse::json(200, testData("openai/images_url.json"));
            return FakeResponse::json(200, testData("openai/embeddings_float.json"));
        });
        now = QDateTime(QDate(2026, 6, 1), QTime(12, 0), Qt::UTC);
        start();
    }

    void start(const QByteArray& extra = {}) {
        QByteArray config = simpleConfig(upstream->baseUrl());
        if (!extra.isEmpty()) config = config.chopped(1) + "," + extra + "}";
        ConfigLoad load = parseConfig(config, QStringLiteral("test.json"));
        ASSERT_TRUE(load.ok()) << qPrintable(load.errors.first().toString());
        gateway = std::make_unique<Gateway>(load.config, dir.path());
        gateway->setClock([this] { return now; });
        ASSERT_TRUE(gateway->start());
    }

    QString mint(const QJsonObject& policy = {}) {
        auto key = gateway->keys()->create(QStringLiteral("agent"), policy);
        EXPECT_TRUE(key);
        return key.value();
    }

    ClientResponse post(const QString& key, const QByteArray& path, const QByteArray& body) {
        TestClient c(gateway->port());
        return c.request("POST", path, body, bearer(key));
    }

    // Stops the gateway (committing the ledger) and returns its rows, oldest first.
    QList<LedgerRow> ledgerRows() {
        gateway->stop();
        QList<LedgerRow> rows = gateway->usage()->requests(1000);
        std::reverse(rows.begin(), rows.end());
        return rows;
    }

    QTemporaryDir dir;
    QDateTime now;
    std::unique_ptr<FakeUpstream> upstream;
    std::unique_ptr<Gateway> gateway;
};

TEST_F(UsageProxyTest, NonStreamResponseCarriesItsCostAndIsLedgered) {
    const QString key = mint();
    const ClientResponse r = post(key, "/v1/chat/completions", kChat);
    ASSERT_EQ(r.status, 200);
    // gpt-4o-mini: 19 x $0.15/M + 8 x $0.60/M = 7.65 µ$ -> 8 µ$.
    EXPECT_EQ(r.header("x-agentrouter-cost-usd"), "0.000008");
    const QList<LedgerRow> rows = ledgerRows();
    ASSERT_EQ(rows.size(), 1);
    EXPECT_EQ(rows[0].endpoint, "/v1/chat/completions");
    EXPECT_EQ(rows[0].model, "gpt-4o-mini");
    EXPECT_EQ(rows[0].upstreamModel, "gpt-4o-mini-2024-07-18");
    EXPECT_EQ(rows[0].provider, "fake");
    EXPECT_EQ(rows[0].status, 200);
    EXPECT_EQ(rows[0].promptTokens, 19);
    EXPECT_EQ(rows[0].completionTokens, 8);
    EXPECT_EQ(rows[0].costMicros, 8);
    EXPECT_FALSE(rows[0].usageEstimated);
    EXPECT_TRUE(key.contains(rows[0].keyId));
    EXPECT_GE(rows[0].ttfbMs, 0);
}

TEST_F(UsageProxyTest, FinalUsageChunkCarriesTheCostWhenTheClientAskedForUsage) {
    const QString key = mint();
    const ClientResponse r = post(key, "/v1/chat/completions", kStreamWithUsage);
    ASSERT_EQ(r.status, 200);
    const QList<QByteArray> events = sseEvents(r.body);
    ASSERT_EQ(events.size(), 7);
    const QJsonObject usageChunk = QJsonDocument::fromJson(events[5].mid(6)).object();
    EXPECT_EQ(usageChunk["usage"]["prompt_tokens"].toInt(), 21);
    // 21 x 0.15 + 3 x 0.60 = 4.95 µ$ -> 5 µ$.
    EXPECT_EQ(usageChunk["x_agentrouter"]["cost_micros"].toInteger(), 5);
    EXPECT_DOUBLE_EQ(usageChunk["x_agentrouter"]["cost_usd"].toDouble(), 0.000005);
    EXPECT_FALSE(usageChunk["x_agentrouter"]["usage_estimated"].toBool());
    // Content chunks are untouched.
    EXPECT_EQ(events[1], sseEvents(testData("openai/chat_stream_include_usage.sse"))[1]);
    const QList<LedgerRow> rows = ledgerRows();
    ASSERT_EQ(rows.size(), 1);
    EXPECT_TRUE(rows[0].stream);
    EXPECT_EQ(rows[0].costMicros, 5);  // a streamed request is never recorded at $0
}

TEST_F(UsageProxyTest, StreamWithoutProviderUsageIsEstimatedAndMarked) {
    QList<QByteArray> events = sseEvents(testData("openai/chat_stream_include_usage.sse"));
    events.removeAt(5);  // a server that ignores include_usage
    upstream->setHandler([events](const HttpRequest&) { return FakeResponse::sse(events); });
    const ClientResponse r = post(mint(), "/v1/chat/completions", kStream);
    ASSERT_EQ(r.status, 200);
    const QList<LedgerRow> rows = ledgerRows();
    ASSERT_EQ(rows.size(), 1);
    EXPECT_TRUE(rows[0].usageEstimated);
    EXPECT_GT(rows[0].promptTokens, 0);
    EXPECT_EQ(rows[0].completionTokens, 4);  // "Good morning!" = 13 chars
    EXPECT_GT(rows[0].costMicros, 0);
}

TEST_F(UsageProxyTest, CutStreamRecordsWhatWasConsumed) {
    const QList<QByteArray> events = sseEvents(testData("openai/chat_stream_include_usage.sse"));
    upstream->setHandler([events](const HttpRequest&) { return FakeResponse::cutSse(events.mid(0, 4)); });
    const ClientResponse r = post(mint(), "/v1/chat/completions", kStream);
    ASSERT_EQ(r.status, 200);
    EXPECT_TRUE(r.body.contains("\"error\"")) << r.body.constData();  // in-band, never a short success
    EXPECT_FALSE(r.body.contains("[DONE]"));
    const QList<LedgerRow> rows = ledgerRows();
    ASSERT_EQ(rows.size(), 1);
    EXPECT_EQ(rows[0].status, 502);
    EXPECT_TRUE(rows[0].usageEstimated);
    EXPECT_EQ(rows[0].completionTokens, 4);  // "Good morning!" reached the client
    EXPECT_GT(rows[0].costMicros, 0);
}

TEST_F(UsageProxyTest, StreamStalledPastTheIdleTimeoutEndsWithAnErrorAndRecordsUsage) {
    // The provider answers, streams "Good morning!", then goes silent for good.
    const QList<QByteArray> events = sseEvents(testData("openai/chat_stream_include_usage.sse"));
    upstream->setHandler([events](const HttpRequest&) {
        FakeResponse r = FakeResponse::sse(events.mid(0, 4));
        const QByteArray next = events[4];
        r.steps.insert(r.steps.size() - 1, FakeStep{QByteArray::number(next.size(), 16) + "\r\n" + next + "\r\n", 0, true});
        return r;  // the gated step is never released: a stall, not a close
    });
    gateway.reset();
    QByteArray config = simpleConfig(upstream->baseUrl());
    config.replace("\"timeout_ms\":5000", "\"timeout_ms\":5000,\"stream_idle_timeout_ms\":300");
    ConfigLoad load = parseConfig(config, QStringLiteral("test.json"));
    ASSERT_TRUE(load.ok());
    ASSERT_EQ(load.config.providers.first().streamIdleTimeoutMs, 300);
    gateway = std::make_unique<Gateway>(load.config, dir.path());
    gateway->setClock([this] { return now; });
    ASSERT_TRUE(gateway->start());

    const ClientResponse r = post(mint(), "/v1/chat/completions", kStream);
    ASSERT_EQ(r.status, 200);
    const QList<QByteArray> got = sseEvents(r.body);
    ASSERT_GE(got.size(), 2) << r.body.constData();
    for (const QByteArray& e : events.mid(0, 4))
        EXPECT_TRUE(r.body.contains(e)) << "what arrived before the stall was relayed: " << e.constData();
    EXPECT_FALSE(r.body.contains("[DONE]")) << "a stalled stream is never passed off as complete";
    const QJsonObject error = QJsonDocument::fromJson(got.last().mid(6)).object()["error"].toObject();
    EXPECT_EQ(error["code"].toString(), "upstream_stream_stalled") << got.last().constData();
    EXPECT_EQ(error["type"].toString(), "upstream_error");
    EXPECT_TRUE(error["message"].toString().contains("300 ms"));

    const QList<LedgerRow> rows = ledgerRows();
    ASSERT_EQ(rows.size(), 1);
    EXPECT_EQ(rows[0].status, 504);
    EXPECT_EQ(rows[0].errorCode, "upstream_stream_stalled");
    EXPECT_TRUE(rows[0].usageEstimated);
    EXPECT_EQ(rows[0].completionTokens, 4);  // "Good morning!" reached the client
    EXPECT_GT(rows[0].costMicros, 0);
}

TEST_F(UsageProxyTest, ImagesArePricedPerImageBySizeAndQualityTimesN) {
    const ClientResponse r = post(mint(), "/v1/images/generations",
                                  R"({"model":"dall-e-3","prompt":"a fox","n":2,"size":"1024x1792","quality":"hd"})");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.header("x-agentrouter-cost-usd"), "0.240000");
    const QList<LedgerRow> rows = ledgerRows();
    ASSERT_EQ(rows.size(), 1);
    EXPECT_EQ(rows[0].images, 2);
    EXPECT_EQ(rows[0].imageSize, "1024x1792");
    EXPECT_EQ(rows[0].imageQuality, "hd");
    EXPECT_EQ(rows[0].costMicros, 240'000);
}

TEST_F(UsageProxyTest, UnknownPriceIsUnknownNotZero) {
    const ClientResponse r = post(mint(), "/v1/chat/completions",
                                  R"({"model":"fake/my-local-model","messages":[{"role":"user","content":"hi"}]})");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.header("x-agentrouter-cost-usd"), "unknown");
    const QList<LedgerRow> rows = ledgerRows();
    ASSERT_EQ(rows.size(), 1);
    EXPECT_EQ(rows[0].costMicros, -1);
}

TEST_F(UsageProxyTest, BudgetRefusesTheNextRequestAndMeShowsSpend) {
    const QString key = mint({{"budget_usd", 0.00001}, {"budget_period", "day"}});  // 10 µ$
    EXPECT_EQ(post(key, "/v1/chat/completions", kChat).status, 200);  // 8 µ$
    EXPECT_EQ(post(key, "/v1/chat/completions", kChat).status, 200);  // 16 µ$: not cut
    const ClientResponse refused = post(key, "/v1/chat/completions", kChat);
    EXPECT_EQ(refused.status, 429);
    EXPECT_EQ(refused.error("code"), "budget_exceeded");
    EXPECT_TRUE(refused.error("message").contains("2026-06-02T00:00:00Z")) << qPrintable(refused.error("message"));
    EXPECT_EQ(upstream->requestCount(), 2);  // never forwarded

    TestClient c(gateway->port());
    const ClientResponse me = c.request("GET", "/v1/me", {}, bearer(key));
    ASSERT_EQ(me.status, 200);
    const QJsonObject usage = me.json()["usage"].toObject();
    EXPECT_DOUBLE_EQ(usage["spend_usd"].toDouble(), 0.000016);
    EXPECT_DOUBLE_EQ(usage["budget_usd"].toDouble(), 0.00001);
    EXPECT_EQ(usage["remaining_usd"].toDouble(), 0.0);
    EXPECT_EQ(usage["period"].toString(), "day");
    EXPECT_EQ(usage["resets_at"].toString(), "2026-06-02T00:00:00Z");

    now = now.addDays(1);  // the next day
    EXPECT_EQ(post(key, "/v1/chat/completions", kChat).status, 200);
}

TEST_F(UsageProxyTest, SpendSurvivesARestartThroughTheLedger) {
    const QString key = mint({{"budget_usd", 0.00001}, {"budget_period", "total"}});
    EXPECT_EQ(post(key, "/v1/chat/completions", kChat).status, 200);
    EXPECT_EQ(post(key, "/v1/chat/completions", kChat).status, 200);
    gateway->stop();
    ASSERT_TRUE(gateway->start());  // seeded from the ledger
    EXPECT_EQ(post(key, "/v1/chat/completions", kChat).status, 429);
}

TEST_F(UsageProxyTest, PolicyRefusalsHaveTheirStatusAndCode) {
    const QString limited = mint({{"models", QJsonArray{"text-embedding-*"}}});
    const ClientResponse forbidden = post(limited, "/v1/chat/completions", kChat);
    EXPECT_EQ(forbidden.status, 403);
    EXPECT_EQ(forbidden.error("code"), "model_not_allowed");
    EXPECT_EQ(post(limited, "/v1/embeddings", R"({"model":"text-embedding-3-small","input":"hi"})").status, 200);

    const QString expiring = mint({{"expires_at", "2026-06-01T12:00:00Z"}});
    const ClientResponse expired = post(expiring, "/v1/chat/completions", kChat);
    EXPECT_EQ(expired.status, 401);
    EXPECT_EQ(expired.error("code"), "key_expired");

    const QString slow = mint({{"rpm", 1}});
    EXPECT_EQ(post(slow, "/v1/chat/completions", kChat).status, 200);
    now = now.addSecs(15);
    const ClientResponse limitedRate = post(slow, "/v1/chat/completions", kChat);
    EXPECT_EQ(limitedRate.status, 429);
    EXPECT_EQ(limitedRate.error("code"), "rate_limit_exceeded");
    EXPECT_EQ(limitedRate.header("retry-after"), "45");
    now = now.addSecs(45);
    EXPECT_EQ(post(slow, "/v1/chat/completions", kChat).status, 200);
}

TEST_F(UsageProxyTest, GatewayBudgetFromConfig) {
    gateway->stop();
    start(R"("usage":{"budget_usd":0.000001,"budget_period":"total"})");
    const QString key = mint();
    EXPECT_EQ(post(key, "/v1/chat/completions", kChat).status, 200);
    const ClientResponse r = post(key, "/v1/chat/completions", kChat);
    EXPECT_EQ(r.status, 429);
    EXPECT_EQ(r.error("code"), "budget_exceeded");
}

TEST_F(UsageProxyTest, PriceOverridesFromConfig) {
    gateway->stop();
    start(R"("prices":{"models":{"gpt-4o-mini":{"input":1000,"output":1000}}})");
    const ClientResponse r = post(mint(), "/v1/chat/completions", kChat);
    EXPECT_EQ(r.header("x-agentrouter-cost-usd"), "0.027000");  // 27 tokens x $1000/M
}

TEST(UsageConfig, BadUsageAndPricesSectionsNameTheField) {
    ConfigLoad load = parseConfig(R"({"usage":{"budget_usd":-1,"budget_period":"year"},
                                      "prices":{"models":{"m":{"output":"free"}}}})", "c.json");
    QStringList fields;
    for (const ConfigError& e : load.errors) fields << e.field;
    EXPECT_TRUE(fields.contains("usage.budget_usd")) << qPrintable(fields.join(' '));
    EXPECT_TRUE(fields.contains("usage.budget_period"));
    EXPECT_TRUE(fields.contains("prices.models.m.output"));
}

}  // namespace
}  // namespace ar::test
