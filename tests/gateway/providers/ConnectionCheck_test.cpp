// "Test connection" makes a real call: the provider's model list over a real socket, with the
// auth headers the provider's own translator builds, against fakes speaking each wire format.
#include "providers/ConnectionCheck.h"

#include <gtest/gtest.h>

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QTcpServer>
#include <optional>

#include "support/FakeUpstream.h"
#include "support/TestData.h"

namespace ar::test {
namespace {

ProviderConfig provider(const char* type, const QString& baseUrl, const char* key) {
    ProviderConfig p;
    p.id = QString::fromLatin1(type);
    p.type = QString::fromLatin1(type);
    p.baseUrl = QUrl(baseUrl);
    p.apiKey = QString::fromLatin1(key);
    return p;
}

// Runs one check and waits for its answer on this thread's event loop.
std::optional<ConnectionCheckResult> runCheck(ConnectionChecker& checker, const ProviderConfig& p) {
    QObject context;
    std::optional<ConnectionCheckResult> out;
    checker.check(p, &context, [&](ConnectionCheckResult r) { out = r; });
    QDeadlineTimer deadline(10'000);
    while (!out && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    return out;
}

TEST(ConnectionCheck, OpenAiCompatibleListsModelsWithTheBearerKey) {
    FakeUpstream fake;
    fake.setHandler([](const HttpRequest&) {
        return FakeResponse::json(
            200,
            R"({"object":"list","data":[)"
            R"({"id":"gpt-4o-mini","object":"model","created":1721172741,"owned_by":"system"},)"
            R"({"id":"gpt-4o","object":"model","created":1715367049,"owned_by":"system"}]})");
    });
    ConnectionChecker checker;
    const auto r = runCheck(checker, provider("openai", fake.baseUrl(), "sk-test-123"));
    ASSERT_TRUE(r.has_value());
    EXPECT_TRUE(r->ok) << qPrintable(r->message);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->models, 2);
    EXPECT_GE(r->latencyMs, 0);
    EXPECT_TRUE(r->message.contains("2 models")) << qPrintable(r->message);
    ASSERT_EQ(fake.requestCount(), 1);
    const HttpRequest req = fake.requests().first();
    EXPECT_EQ(req.method, "GET");
    EXPECT_EQ(req.path, "/v1/models");
    EXPECT_EQ(req.header("authorization"), "Bearer sk-test-123");
}

TEST(ConnectionCheck, AProviderErrorComesBackInItsOwnWordsWithoutTheKey) {
    FakeUpstream fake;
    fake.setHandler([](const HttpRequest&) {
        return FakeResponse::json(
            401, testData(QStringLiteral("openai/error_401_invalid_api_key.json")));
    });
    ConnectionChecker checker;
    const auto r = runCheck(checker, provider("openai", fake.baseUrl(), "sk-wrong"));
    ASSERT_TRUE(r.has_value());
    EXPECT_FALSE(r->ok);
    EXPECT_EQ(r->status, 401);
    EXPECT_TRUE(r->message.startsWith("Incorrect API key provided")) << qPrintable(r->message);
}

TEST(ConnectionCheck, AnthropicUsesItsHeadersAndErrorFormat) {
    FakeUpstream fake;
    fake.setHandler([](const HttpRequest& req) {
        if (req.header("x-api-key") != "sk-ant-good")
            return FakeResponse::json(
                401,
                R"({"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"},"request_id":"req_011CTest"})");
        return FakeResponse::json(
            200,
            R"({"data":[{"type":"model","id":"claude-sonnet-4-5-20250929","display_name":"Claude Sonnet 4.5","created_at":"2025-09-29T00:00:00Z"}],"has_more":false,"first_id":"claude-sonnet-4-5-20250929","last_id":"claude-sonnet-4-5-20250929"})");
    });
    ConnectionChecker checker;
    auto r = runCheck(checker, provider("anthropic", fake.baseUrl(), "sk-ant-good"));
    ASSERT_TRUE(r.has_value());
    EXPECT_TRUE(r->ok) << qPrintable(r->message);
    EXPECT_EQ(r->models, 1);
    const HttpRequest req = fake.requests().first();
    EXPECT_EQ(req.path, "/v1/models");
    EXPECT_FALSE(req.header("anthropic-version").isEmpty());
    EXPECT_TRUE(req.header("authorization").isEmpty());

    r = runCheck(checker, provider("anthropic", fake.baseUrl(), "sk-ant-bad"));
    ASSERT_TRUE(r.has_value());
    EXPECT_FALSE(r->ok);
    EXPECT_EQ(r->status, 401);
    EXPECT_TRUE(r->message.contains("invalid x-api-key")) << qPrintable(r->message);
}

TEST(ConnectionCheck, GeminiSendsTheGoogleKeyHeader) {
    FakeUpstream fake;
    fake.setHandler([](const HttpRequest&) {
        return FakeResponse::json(
            200,
            R"({"models":[{"name":"models/gemini-2.5-flash","version":"001","displayName":"Gemini 2.5 Flash"},{"name":"models/gemini-2.5-pro","version":"2.5","displayName":"Gemini 2.5 Pro"}],"nextPageToken":"Ch1tb2RlbHMv"})");
    });
    ConnectionChecker checker;
    const auto r = runCheck(checker, provider("gemini", fake.baseUrl() + "beta", "AIza-test"));
    ASSERT_TRUE(r.has_value());
    EXPECT_TRUE(r->ok) << qPrintable(r->message);
    EXPECT_EQ(r->models, 2);
    const HttpRequest req = fake.requests().first();
    EXPECT_EQ(req.path, "/v1beta/models");
    EXPECT_EQ(req.header("x-goog-api-key"), "AIza-test");
}

TEST(ConnectionCheck, NothingListeningIsAClearFailure) {
    QTcpServer probe;
    ASSERT_TRUE(probe.listen(QHostAddress::LocalHost, 0));
    const quint16 port = probe.serverPort();
    probe.close();  // the port is now (very likely) closed
    ConnectionChecker checker;
    const auto r = runCheck(
        checker, provider("openai", QStringLiteral("http://127.0.0.1:%1/v1").arg(port), "k"));
    ASSERT_TRUE(r.has_value());
    EXPECT_FALSE(r->ok);
    EXPECT_EQ(r->status, 0);
    EXPECT_FALSE(r->message.isEmpty());
}

}  // namespace
}  // namespace ar::test
