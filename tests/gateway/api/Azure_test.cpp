// Azure OpenAI end to end over real sockets: the deployment URL with its api-version, the api-key
// header (never Authorization), streaming and not, against a fake that answers like Azure does
// (content filter results, the prompt_filter_results chunk before the first delta, Azure's own
// error bodies for a wrong key or an unknown deployment).
#include <gtest/gtest.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QUrlQuery>

#include "support/FakeUpstream.h"
#include "support/GatewayHarness.h"
#include "support/TestClient.h"
#include "support/TestData.h"

namespace ar::test {
namespace {

const QByteArray kAzureKey = "azure-key-0123456789abcdef";
const QByteArray kDeployment = "prod-gpt4o";
const QByteArray kApiVersion = "2024-10-21";

// What Azure answers: a deployment path, api-version in the query, the key in api-key.
FakeResponse azure(const HttpRequest& r) {
    const QByteArray base = "/openai/deployments/";
    if (r.header("api-key") != kAzureKey)
        return FakeResponse::json(
            401,
            R"({"error":{"code":"401","message":"Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource."}})");
    if (QUrlQuery(QString::fromUtf8(r.query))
            .queryItemValue(QStringLiteral("api-version"))
            .isEmpty())
        return FakeResponse::json(404,
                                  R"({"error":{"code":"404","message":"Resource not found"}})");
    if (!r.path.startsWith(base + kDeployment + "/"))
        return FakeResponse::json(
            404,
            R"({"error":{"code":"DeploymentNotFound","message":"The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again."}})");
    if (r.path.endsWith("/chat/completions")) {
        if (QJsonDocument::fromJson(r.body).object().value(QStringLiteral("stream")).toBool())
            return FakeResponse::sse(sseEvents(testData("azure/chat_stream_include_usage.sse")));
        return FakeResponse::json(200, testData("azure/chat_completion.json"));
    }
    if (r.path.endsWith("/embeddings"))
        return FakeResponse::json(200, testData("openai/embeddings_float.json"));
    return FakeResponse::json(404, R"({"error":{"code":"404","message":"Resource not found"}})");
}

class AzureTest : public ::testing::Test {
protected:
    void SetUp() override {
        qputenv("AR_TEST_AZURE_KEY", kAzureKey);
        qputenv("AR_TEST_AZURE_WRONG_KEY", "not-the-key");
        upstream.setHandler(azure);
        const QByteArray base = "http://127.0.0.1:" + QByteArray::number(upstream.port());
        gateway = std::make_unique<GatewayHarness>(
            R"({"server":{"port":0},"routing":{"max_rounds":1},
          "providers":[
            {"id":"azure","type":"azure","base_url":")" +
            base + R"(","api_key_env":"AR_TEST_AZURE_KEY","api_version":")" + kApiVersion + R"("},
            {"id":"azure-wrong","type":"azure","base_url":")" +
            base + R"(","api_key_env":"AR_TEST_AZURE_WRONG_KEY"}],
          "routes":[{"model":"gpt-4o","targets":[{"provider":"azure","model":")" +
            kDeployment + R"("}]},
                    {"model":"text-embedding-3-small","targets":[{"provider":"azure","model":")" +
            kDeployment + R"("}]},
                    {"model":"wrong-key","targets":[{"provider":"azure-wrong","model":")" +
            kDeployment + R"("}]},
                    {"model":"no-deployment","targets":[{"provider":"azure","model":"missing-deployment"}]}]})");
        ASSERT_TRUE(gateway->ok()) << qPrintable(gateway->error());
    }

    ClientResponse post(const QByteArray& path, const QByteArray& body) {
        TestClient c(gateway->port());
        return c.request("POST", path, body, bearer(gateway->key()));
    }

    // The request on the wire: Azure's URL and header, nothing OpenAI-specific.
    void expectAzureWire(const HttpRequest& sent, const QByteArray& endpoint) {
        EXPECT_EQ(sent.path, "/openai/deployments/" + kDeployment + endpoint);
        EXPECT_EQ(sent.query, "api-version=" + kApiVersion);
        EXPECT_EQ(sent.header("api-key"), kAzureKey);
        EXPECT_TRUE(sent.header("authorization").isEmpty())
            << "Azure takes api-key, not a Bearer token";
        EXPECT_FALSE(sent.body.contains(gateway->key().toUtf8()));
    }

    FakeUpstream upstream;
    std::unique_ptr<GatewayHarness> gateway;
};

TEST_F(AzureTest, ChatCompletionThroughADeployment) {
    const ClientResponse r =
        post("/v1/chat/completions",
             R"({"model":"gpt-4o","messages":[{"role":"user","content":"Say good morning."}]})");
    ASSERT_EQ(r.status, 200) << r.body.constData();
    EXPECT_EQ(r.json().value("choices").toArray().first()["message"]["content"].toString(),
              "Azure says good morning.");
    EXPECT_EQ(r.header("x-agentrouter-provider"), "azure");
    EXPECT_EQ(r.header("x-agentrouter-upstream-model"), kDeployment);
    expectAzureWire(upstream.requests().last(), "/chat/completions");
    const auto finished = gateway->waitForFinished(1);
    ASSERT_EQ(finished.size(), 1);
    EXPECT_EQ(finished[0].usage.promptTokens, 13);
    EXPECT_EQ(finished[0].usage.completionTokens, 6);
}

TEST_F(AzureTest, StreamKeepsAzuresFilterChunkAndHidesTheUsageChunkNobodyAskedFor) {
    const ClientResponse r = post(
        "/v1/chat/completions",
        R"({"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"Say good morning."}]})");
    ASSERT_EQ(r.status, 200) << r.body.constData();
    QString text;
    int usageChunks = 0;
    const QList<QByteArray> events = sseEvents(r.body);
    for (const QByteArray& e : events) {
        if (!e.startsWith("data: {")) continue;
        const QJsonObject chunk = QJsonDocument::fromJson(e.mid(6)).object();
        if (chunk["usage"].isObject()) ++usageChunks;
        for (const QJsonValue& choice : chunk["choices"].toArray())
            text += choice["delta"]["content"].toString();
    }
    EXPECT_EQ(text, "Azure says good morning.");
    EXPECT_EQ(usageChunks, 0);
    EXPECT_TRUE(events.first().contains("prompt_filter_results"))
        << "Azure's first chunk reaches the client as sent";
    EXPECT_EQ(events.last(), "data: [DONE]\n\n");

    const HttpRequest sent = upstream.requests().last();
    expectAzureWire(sent, "/chat/completions");
    EXPECT_TRUE(QJsonDocument::fromJson(sent.body)
                    .object()
                    .value("stream_options")["include_usage"]
                    .toBool())
        << "the gateway asks Azure for usage so the stream is not recorded at zero";
    const auto finished = gateway->waitForFinished(1);
    ASSERT_EQ(finished.size(), 1);
    EXPECT_EQ(finished[0].usage.promptTokens, 13);
    EXPECT_EQ(finished[0].usage.completionTokens, 6);
    EXPECT_FALSE(finished[0].usage.estimated);
}

TEST_F(AzureTest, StreamWithIncludeUsageGetsTheUsageChunk) {
    const ClientResponse r = post(
        "/v1/chat/completions",
        R"({"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hi"}]})");
    ASSERT_EQ(r.status, 200);
    const QList<QByteArray> events = sseEvents(r.body);
    ASSERT_GE(events.size(), 2);
    const QJsonObject usageChunk =
        QJsonDocument::fromJson(events[events.size() - 2].mid(6)).object();
    EXPECT_EQ(usageChunk["usage"]["total_tokens"].toInt(), 19);
}

TEST_F(AzureTest, EmbeddingsThroughADeployment) {
    const ClientResponse r =
        post("/v1/embeddings", R"({"model":"text-embedding-3-small","input":"hello"})");
    ASSERT_EQ(r.status, 200) << r.body.constData();
    EXPECT_EQ(r.json()["object"].toString(), "list");
    expectAzureWire(upstream.requests().last(), "/embeddings");
}

TEST_F(AzureTest, AzureErrorsKeepTheirStatusAndMessage) {
    ClientResponse r = post("/v1/chat/completions",
                            R"({"model":"wrong-key","messages":[{"role":"user","content":"hi"}]})");
    EXPECT_EQ(r.status, 401);
    EXPECT_TRUE(r.error("message").startsWith("Access denied due to invalid subscription key"))
        << r.body.constData();
    EXPECT_FALSE(r.body.contains("not-the-key"));
    // The provider without api_version still sends one (Azure answers 404 without it).
    EXPECT_TRUE(upstream.requests().last().query.startsWith("api-version="));

    r = post("/v1/chat/completions",
             R"({"model":"no-deployment","messages":[{"role":"user","content":"hi"}]})");
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.error("code"), "DeploymentNotFound");
    EXPECT_TRUE(
        r.error("message").startsWith("The API deployment for this resource does not exist"));
}

}  // namespace
}  // namespace ar::test
