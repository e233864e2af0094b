// Anthropic and Gemini behind the gateway: OpenAI format in, the provider's native API on the
// wire (fake upstreams replaying their real framing, after the checks the real APIs make),
// OpenAI format back, streams included.
#include <QJsonArray>
#include <QJsonDocument>
#include <gtest/gtest.h>

#include "support/FakeUpstream.h"
#include "support/GatewayHarness.h"
#include "support/StrictAnthropic.h"
#include "support/StrictGemini.h"
#include "support/TestClient.h"
#include "support/TestData.h"

namespace ar::test {
namespace {

class NativeProvidersTest : public ::testing::Test {
protected:
    void SetUp() override {
        qputenv("AR_TEST_ANTHROPIC_KEY", "sk-ant-test-credential");
        qputenv("AR_TEST_GEMINI_KEY", "AIza-test-credential");
        const QByteArray config = R"({"server":{"port":0},"routing":{"max_rounds":1},
          "providers":[
            {"id":"claude","type":"anthropic","base_url":")" + anthropic.baseUrl().toUtf8() + R"(","api_key_env":"AR_TEST_ANTHROPIC_KEY","stream_idle_timeout_ms":400},
            {"id":"google","type":"gemini","base_url":")" + gemini.baseUrl().toUtf8() + R"(beta","api_key_env":"AR_TEST_GEMINI_KEY"}],
          "routes":[{"model":"claude-haiku-4-5","targets":[{"provider":"claude","model":"claude-haiku-4-5-20251001"}]},
                    {"model":"gemini-2.5-flash","targets":[{"provider":"google"}]}]})";
        gateway = std::make_unique<GatewayHarness>(config);
        ASSERT_TRUE(gateway->ok()) << qPrintable(gateway->error());
    }

    ClientResponse post(const QByteArray& path, const QByteArray& body) {
        TestClient c(gateway->port());
        return c.request("POST", path, body, bearer(gateway->key()));
    }

    static QString streamedText(const QByteArray& body) {
        QString text;
        for (const QByteArray& e : sseEvents(body)) {
            if (!e.startsWith("data: {")) continue;
            const QJsonObject chunk = QJsonDocument::fromJson(e.mid(6).trimmed()).object();
            text += chunk["choices"].toArray().first()["delta"]["content"].toString();
        }
        return text;
    }

    FakeUpstream anthropic, gemini;
    std::unique_ptr<GatewayHarness> gateway;
};

TEST_F(NativeProvidersTest, AnthropicStreamBecomesOpenAiChunksWithUsage) {
    anthropic.setHandler(strictAnthropic("sk-ant-test-credential", [](const HttpRequest&) {
        return FakeResponse::sse(sseEvents(testData("anthropic/stream_text_2026.sse")), 0, false, "text/event-stream; charset=utf-8");
    }));
    const ClientResponse r = post("/v1/chat/completions",
        R"({"model":"claude-haiku-4-5","stream":true,"stream_options":{"include_usage":true},
            "messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}]})");
    ASSERT_EQ(r.status, 200) << r.body.constData();
    EXPECT_EQ(streamedText(r.body), "Hi there!");
    const QList<QByteArray> events = sseEvents(r.body);
    EXPECT_EQ(events.last(), "data: [DONE]\n\n");
    const QJsonObject usageChunk = QJsonDocument::fromJson(events[events.size() - 2].mid(6)).object();
    EXPECT_EQ(usageChunk["usage"]["prompt_tokens"].toInt(), 12);
    EXPECT_EQ(usageChunk["usage"]["completion_tokens"].toInt(), 6);

    // On the wire: Anthropic's Messages API, its auth header, the system prompt lifted out.
    const HttpRequest sent = anthropic.requests().last();
    EXPECT_EQ(sent.path, "/v1/messages");
    EXPECT_EQ(sent.header("x-api-key"), "sk-ant-test-credential");
    EXPECT_FALSE(sent.header("anthropic-version").isEmpty());
    const QJsonObject body = QJsonDocument::fromJson(sent.body).object();
    EXPECT_EQ(body["model"].toString(), "claude-haiku-4-5-20251001");
    EXPECT_EQ(body["system"].toString(), "Be brief.");
    EXPECT_GT(body["max_tokens"].toInt(), 0);

    const auto finished = gateway->waitForFinished(1);
    ASSERT_EQ(finished.size(), 1);
    EXPECT_EQ(finished[0].usage.promptTokens, 12);
    EXPECT_EQ(finished[0].usage.completionTokens, 6);
}

TEST_F(NativeProvidersTest, AnthropicNonStreamWithCacheReadUsage) {
    anthropic.setHandler(strictAnthropic("sk-ant-test-credential", [](const HttpRequest&) {
        return FakeResponse::json(200, testData("anthropic/message_text_cache_read.json"));
    }));
    const ClientResponse r = post("/v1/chat/completions",
        R"({"model":"claude-haiku-4-5","messages":[{"role":"user","content":"What is a cache?"}]})");
    ASSERT_EQ(r.status, 200) << r.body.constData();
    const QJsonObject c = r.json();
    EXPECT_EQ(c["object"].toString(), "chat.completion");
    EXPECT_EQ(c["choices"].toArray().first()["message"]["content"].toString(),
              "A cache is a small, fast store placed in front of a slower one.");
    EXPECT_EQ(c["choices"].toArray().first()["finish_reason"].toString(), "length");
    EXPECT_EQ(c["usage"]["prompt_tokens"].toInt(), 14 + 3072);
    EXPECT_EQ(c["usage"]["prompt_tokens_details"]["cached_tokens"].toInt(), 3072);
}

TEST_F(NativeProvidersTest, AnthropicErrorAfter200ReachesTheClientAsAnError) {
    anthropic.setHandler(strictAnthropic("sk-ant-test-credential", [](const HttpRequest&) {
        return FakeResponse::sse(sseEvents(testData("anthropic/stream_error_overloaded_after_200.sse")));
    }));
    const ClientResponse r = post("/v1/chat/completions",
        R"({"model":"claude-haiku-4-5","stream":true,"messages":[{"role":"user","content":"Hi"}]})");
    ASSERT_EQ(r.status, 200);
    EXPECT_FALSE(r.body.contains("[DONE]"));
    EXPECT_TRUE(sseEvents(r.body).last().contains("overloaded")) << r.body.constData();
}

TEST_F(NativeProvidersTest, AnthropicStreamThatStallsEndsWithAnErrorAndKeepsTheUsageSoFar) {
    anthropic.setHandler(strictAnthropic("sk-ant-test-credential", [](const HttpRequest&) {
        const QList<QByteArray> events = sseEvents(testData("anthropic/stream_text_2026.sse"));
        FakeResponse r = FakeResponse::sse(events.mid(0, 4));  // message_start .. the first delta
        const QByteArray next = events[4];
        r.steps.insert(r.steps.size() - 1,
                       FakeStep{QByteArray::number(next.size(), 16) + "\r\n" + next + "\r\n", 0, true});
        return r;  // the rest is gated and never released: the provider goes silent
    }));
    const ClientResponse r = post("/v1/chat/completions",
        R"({"model":"claude-haiku-4-5","stream":true,"messages":[{"role":"user","content":"Hi"}]})");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(streamedText(r.body), "Hi");
    EXPECT_FALSE(r.body.contains("[DONE]"));
    const QJsonObject error =
        QJsonDocument::fromJson(sseEvents(r.body).last().mid(6)).object().value("error").toObject();
    EXPECT_EQ(error["code"].toString(), "upstream_stream_stalled") << r.body.constData();
    EXPECT_TRUE(error["message"].toString().contains("400 ms"));

    const auto finished = gateway->waitForFinished(1);
    ASSERT_EQ(finished.size(), 1);
    EXPECT_EQ(finished[0].status, 504);
    EXPECT_EQ(finished[0].usage.promptTokens, 12);  // message_start's input tokens, recorded
}

TEST_F(NativeProvidersTest, AnthropicCannotGenerateImages) {
    const QByteArray config = R"({"server":{"port":0},"providers":[{"id":"claude","type":"anthropic","base_url":")" +
                              anthropic.baseUrl().toUtf8() + R"("}],"routes":[]})";
    GatewayHarness gw(config);
    ASSERT_TRUE(gw.ok());
    TestClient c(gw.port());
    const ClientResponse r = c.request("POST", "/v1/images/generations",
                                       R"({"model":"claude/claude-haiku-4-5","prompt":"a fox"})", bearer(gw.key()));
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.error("code"), "unsupported_endpoint");
    EXPECT_EQ(anthropic.requestCount(), 0);
}

TEST_F(NativeProvidersTest, GeminiStreamWithCrLfFramingBecomesOpenAiChunks) {
    gemini.setHandler(strictGemini("AIza-test-credential", [](const HttpRequest&) {
        return FakeResponse::sse(sseEvents(testData("gemini/stream_text.sse"), "\r\n\r\n"), 0, false, "text/event-stream");
    }));
    const ClientResponse r = post("/v1/chat/completions",
        R"({"model":"gemini-2.5-flash","stream":true,"messages":[{"role":"user","content":"Tell me about Lyon"}]})");
    ASSERT_EQ(r.status, 200) << r.body.constData();
    EXPECT_TRUE(streamedText(r.body).startsWith("Lyon sits where the Rh")) << qPrintable(streamedText(r.body));
    EXPECT_EQ(sseEvents(r.body).last(), "data: [DONE]\n\n");

    const HttpRequest sent = gemini.requests().last();
    EXPECT_EQ(sent.path, "/v1beta/models/gemini-2.5-flash:streamGenerateContent");
    EXPECT_EQ(sent.query, "alt=sse");
    EXPECT_EQ(sent.header("x-goog-api-key"), "AIza-test-credential");
    EXPECT_FALSE(sent.query.contains("key="));  // the credential never goes in the URL
    const auto finished = gateway->waitForFinished(1);
    ASSERT_EQ(finished.size(), 1);
    EXPECT_GT(finished[0].usage.promptTokens, 0);
}

TEST_F(NativeProvidersTest, Gemini429KeepsStatusAndRetryHint) {
    gemini.setHandler(strictGemini("AIza-test-credential", [](const HttpRequest&) {
        return FakeResponse::json(429, testData("gemini/error_429_resource_exhausted.json"), "application/json; charset=UTF-8");
    }));
    const ClientResponse r = post("/v1/chat/completions",
        R"({"model":"gemini-2.5-flash","messages":[{"role":"user","content":"hi"}]})");
    EXPECT_EQ(r.status, 429);
    EXPECT_EQ(r.error("code"), "resource_exhausted");
    EXPECT_EQ(r.header("retry-after"), "35");
    EXPECT_FALSE(r.body.contains("AIza-test-credential"));
}

}  // namespace
}  // namespace ar::test
