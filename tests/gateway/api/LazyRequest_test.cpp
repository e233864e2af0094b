// The parsed request object is built only when something needs it: same-schema requests go
// upstream as the client's bytes; rewriting the model, asking for stream usage, other
// provider schemas, estimates and budgets parse it, with the same results as before.
#include <QJsonArray>
#include <QJsonDocument>
#include <gtest/gtest.h>

#include "api/RequestValidation.h"
#include "providers/TranslatorFactory.h"
#include "usage/CostControls.h"
#include "usage/PriceCatalog.h"
#include "usage/RequestAccounting.h"
#include "usage/UsageEstimator.h"

namespace ar {
namespace {

ProviderConfig provider(const char* type) {
    ProviderConfig p;
    p.id = QString::fromLatin1(type);
    p.type = QString::fromLatin1(type);
    p.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:9/v1"));
    p.apiKey = QStringLiteral("sk-upstream-test");
    return p;
}

ClientRequest read(Endpoint endpoint, const QByteArray& body) {
    Result<ClientRequest> r = readRequest(endpoint, body);
    EXPECT_TRUE(r.ok()) << body.constData();
    return r.ok() ? r.value() : ClientRequest();
}

Result<UpstreamRequest> translate(const char* type, Endpoint endpoint, const ClientRequest& request,
                                  const char* upstreamModel) {
    auto translator = makeTranslator(provider(type), endpoint);
    if (!translator) return translator.error();
    return translator.value()->translateRequest(request, QString::fromLatin1(upstreamModel));
}

QByteArray header(const UpstreamRequest& r, const QByteArray& name) {
    for (const auto& [k, v] : r.headers)
        if (k.compare(name, Qt::CaseInsensitive) == 0) return v;
    return {};
}

QJsonObject parsed(const QByteArray& json) { return QJsonDocument::fromJson(json).object(); }

// Spacing, key order and escapes a re-serialisation would change.
const QByteArray kChat =
    "{ \"messages\": [ {\"role\":\"user\", \"content\":\"Say \\u0022hi\\u0022 \\/ 1.50\"} ],\n"
    "  \"model\": \"gpt-4o-mini\", \"temperature\": 1.0 }";

TEST(LazyRequest, SameModelGoesUpstreamAsTheClientsBytesWithoutParsing) {
    const ClientRequest r = read(Endpoint::ChatCompletions, kChat);
    const auto up = translate("openai", Endpoint::ChatCompletions, r, "gpt-4o-mini");
    ASSERT_TRUE(up.ok());
    EXPECT_EQ(up->body, kChat);
    EXPECT_FALSE(up->stream);
    EXPECT_EQ(header(up.value(), "authorization"), "Bearer sk-upstream-test");
    EXPECT_EQ(up->url, QUrl(QStringLiteral("http://127.0.0.1:9/v1/chat/completions")));
    EXPECT_FALSE(r.hasObject());
}

TEST(LazyRequest, StreamThatAskedForUsageGoesUnchanged) {
    const QByteArray body =
        R"({"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]})";
    const ClientRequest r = read(Endpoint::ChatCompletions, body);
    const auto up = translate("openai", Endpoint::ChatCompletions, r, "gpt-4o-mini");
    ASSERT_TRUE(up.ok());
    EXPECT_EQ(up->body, body);
    EXPECT_TRUE(up->stream);
    EXPECT_EQ(header(up.value(), "accept"), "text/event-stream");
    EXPECT_FALSE(r.hasObject());
}

TEST(LazyRequest, StreamWithoutUsageOptionIsRewrittenToAskForIt) {
    const QByteArray body =
        R"({"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":false,"x":1},"messages":[{"role":"user","content":"hi"}]})";
    const ClientRequest r = read(Endpoint::ChatCompletions, body);
    const auto up = translate("openai", Endpoint::ChatCompletions, r, "gpt-4o-mini");
    ASSERT_TRUE(up.ok());
    QJsonObject expected = parsed(body);
    expected.insert(QStringLiteral("stream_options"), QJsonObject{{"include_usage", true}, {"x", 1}});
    EXPECT_EQ(parsed(up->body), expected);
    EXPECT_TRUE(r.hasObject());
}

TEST(LazyRequest, RoutedModelIsRewrittenAndTheRestKept) {
    const ClientRequest r = read(Endpoint::ChatCompletions, kChat);
    const auto up = translate("openai", Endpoint::ChatCompletions, r, "gpt-4o-mini-2024-07-18");
    ASSERT_TRUE(up.ok());
    QJsonObject expected = parsed(kChat);
    expected.insert(QStringLiteral("model"), QStringLiteral("gpt-4o-mini-2024-07-18"));
    EXPECT_EQ(parsed(up->body), expected);
}

TEST(LazyRequest, ImageRequestWithoutModelKeepsOpenAisDefault) {
    const QByteArray body = R"({"prompt":"a red fox","size":"256x256"})";
    const ClientRequest r = read(Endpoint::ImageGenerations, body);
    EXPECT_EQ(r.model(), "dall-e-2");
    const auto same = translate("openai", Endpoint::ImageGenerations, r, "dall-e-2");
    ASSERT_TRUE(same.ok());
    EXPECT_EQ(same->body, body);  // as before: nothing to change, so the client's bytes
    const auto routed = translate("openai", Endpoint::ImageGenerations, r, "dall-e-3");
    ASSERT_TRUE(routed.ok());
    EXPECT_EQ(parsed(routed->body),
              QJsonObject({{"prompt", "a red fox"}, {"size", "256x256"}, {"model", "dall-e-3"}}));
}

TEST(LazyRequest, OtherSchemasTranslateTheParsedObject) {
    const ClientRequest r = read(Endpoint::ChatCompletions, kChat);
    const auto anthropic = translate("anthropic", Endpoint::ChatCompletions, r, "claude-haiku-4-5");
    ASSERT_TRUE(anthropic.ok());
    const QJsonObject a = parsed(anthropic->body);
    EXPECT_EQ(a.value("model").toString(), "claude-haiku-4-5");
    EXPECT_EQ(a.value("messages").toArray().first().toObject().value("content").toArray().first()
                  .toObject().value("text").toString(),
              "Say \"hi\" / 1.50");

    const ClientRequest g = read(Endpoint::ChatCompletions, kChat);
    const auto gemini = translate("gemini", Endpoint::ChatCompletions, g, "gemini-2.5-flash");
    ASSERT_TRUE(gemini.ok());
    EXPECT_EQ(parsed(gemini->body).value("contents").toArray().first().toObject().value("parts")
                  .toArray().first().toObject().value("text").toString(),
              "Say \"hi\" / 1.50");
    EXPECT_TRUE(g.hasObject());
}

TEST(LazyRequest, EstimatesParseTheRequestOnlyWhenUsageIsMissing) {
    const PriceCatalog prices = PriceCatalog::builtIn();
    const ClientRequest reported = read(Endpoint::ChatCompletions, kChat);
    RequestEvent e;
    e.status = 200;
    e.model = e.upstreamModel = QStringLiteral("gpt-4o-mini");
    e.usage.promptTokens = 12;
    e.usage.completionTokens = 3;
    accountRequest(e, Endpoint::ChatCompletions, reported, 0, true, &prices);
    EXPECT_FALSE(reported.hasObject());
    EXPECT_GT(e.costMicros, 0);

    const ClientRequest silent = read(Endpoint::ChatCompletions, kChat);
    RequestEvent estimated;
    estimated.status = 200;
    estimated.model = estimated.upstreamModel = QStringLiteral("gpt-4o-mini");
    accountRequest(estimated, Endpoint::ChatCompletions, silent, 40, true, &prices);
    EXPECT_TRUE(silent.hasObject());
    EXPECT_TRUE(estimated.usage.estimated);
    EXPECT_EQ(estimated.usage.promptTokens,
              usage_estimate::promptTokens(Endpoint::ChatCompletions, parsed(kChat)));
    EXPECT_EQ(estimated.usage.completionTokens, usage_estimate::tokensForChars(40));
}

TEST(LazyRequest, ImageAccountingReadsCountSizeAndQuality) {
    const PriceCatalog prices = PriceCatalog::builtIn();
    const ClientRequest r =
        read(Endpoint::ImageGenerations, R"({"prompt":"fox","model":"dall-e-3","n":2,"size":"1024x1024","quality":"hd"})");
    RequestEvent e;
    e.status = 200;
    e.model = e.upstreamModel = QStringLiteral("dall-e-3");
    accountRequest(e, Endpoint::ImageGenerations, r, 0, true, &prices);
    EXPECT_EQ(e.images, 2);
    EXPECT_EQ(e.imageSize, "1024x1024");
    EXPECT_EQ(e.imageQuality, "hd");
}

TEST(LazyRequest, AdmissionParsesTheRequestOnlyForABudget) {
    const PriceCatalog prices = PriceCatalog::builtIn();
    const QDateTime now(QDate(2026, 3, 1), QTime(12, 0), Qt::UTC);
    CostControls controls(&prices, {}, [now] { return now; });
    KeyRecord free;
    free.id = QStringLiteral("k1");
    free.policy = QJsonObject{{"models", QJsonArray{"gpt-4o-*"}}};
    const ClientRequest r1 = read(Endpoint::ChatCompletions, kChat);
    ASSERT_TRUE(controls.admit(free, Endpoint::ChatCompletions, r1, QStringLiteral("gpt-4o-mini"), 1).ok());
    EXPECT_FALSE(r1.hasObject());

    KeyRecord budgeted;
    budgeted.id = QStringLiteral("k2");
    budgeted.policy = QJsonObject{{"budget_usd", 1.0}, {"budget_period", "day"}, {"models", QJsonArray{"claude-*"}}};
    const ClientRequest r2 = read(Endpoint::ChatCompletions, kChat);
    const Status refused = controls.admit(budgeted, Endpoint::ChatCompletions, r2, QStringLiteral("gpt-4o-mini"), 2);
    ASSERT_FALSE(refused.ok());  // the model check reads the model without parsing
    EXPECT_EQ(refused.error().code, "model_not_allowed");
    EXPECT_FALSE(r2.hasObject());

    budgeted.policy.insert(QStringLiteral("models"), QJsonArray{"gpt-*"});
    ASSERT_TRUE(controls.admit(budgeted, Endpoint::ChatCompletions, r2, QStringLiteral("gpt-4o-mini"), 3).ok());
    EXPECT_TRUE(r2.hasObject());  // its reservation is estimated from the messages
}

}  // namespace
}  // namespace ar
