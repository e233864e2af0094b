// Gemini GenerateContentResponse -> OpenAI chat.completion.

#include <QRegularExpression>

#include "GeminiTestSupport.h"
#include "providers/gemini/GeminiChatTranslator.h"

namespace ar {
namespace {

using namespace gemini_test;

QJsonObject translate(const QByteArray& body, Usage* usage = nullptr) {
    GeminiChatTranslator t(provider());
    Result<TranslatedBody> r = t.translateResponse(body);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message.toStdString());
    if (!r.ok()) return {};
    if (usage) *usage = r->usage;
    EXPECT_EQ(t.usage().promptTokens, r->usage.promptTokens);
    return obj(r->body);
}

QJsonObject choice(const QJsonObject& response, int i = 0) {
    return response[u"choices"].toArray().at(i).toObject();
}

QJsonObject message(const QJsonObject& response, int i = 0) {
    return choice(response, i)[u"message"].toObject();
}

TEST(GeminiChatResponse, TextReplyWithCachedAndThoughtUsage) {
    Usage usage;
    const QJsonObject r = translate(readData("generate_content_cached_and_thoughts.json"), &usage);
    EXPECT_EQ(r[u"object"].toString(), "chat.completion");
    EXPECT_EQ(r[u"id"].toString(), "chatcmpl-Qm2xaPL7Hc3EqtsP0ZKbyAk");
    EXPECT_EQ(r[u"model"].toString(), "gemini-2.5-flash");
    EXPECT_GT(r[u"created"].toInteger(), 1700000000);
    EXPECT_JSON_EQ(choice(r), obj(R"({"index":0,"logprobs":null,"finish_reason":"stop",
        "message":{"role":"assistant","content":"Lyon."}})"));
    // prompt 3520 already includes the 3512 cached; completion = 2 candidates + 42 thoughts.
    EXPECT_JSON_EQ(r[u"usage"].toObject(), obj(R"({"prompt_tokens":3520,"completion_tokens":44,
        "total_tokens":3564,"prompt_tokens_details":{"cached_tokens":3512},
        "completion_tokens_details":{"reasoning_tokens":42}})"));
    EXPECT_EQ(usage.promptTokens, 3520);
    EXPECT_EQ(usage.completionTokens, 44);
    EXPECT_EQ(usage.cachedTokens, 3512);
    EXPECT_EQ(usage.reasoningTokens, 42);
    EXPECT_EQ(usage.cacheWriteTokens, 0);
    EXPECT_FALSE(usage.estimated);
    EXPECT_EQ(usage.totalTokens(), 3564);
}

TEST(GeminiChatResponse, FunctionCallWithThoughtSignature) {
    const QJsonObject r = translate(readData("generate_content_function_call_signature.json"));
    EXPECT_EQ(choice(r)[u"finish_reason"].toString(), "tool_calls");
    const QJsonObject m = message(r);
    EXPECT_TRUE(m[u"content"].isNull());
    const QJsonArray calls = m[u"tool_calls"].toArray();
    ASSERT_EQ(calls.size(), 1);
    const QJsonObject call = calls.at(0).toObject();
    EXPECT_TRUE(QRegularExpression(QStringLiteral("^call_[A-Za-z0-9]{24}$"))
                    .match(call[u"id"].toString()).hasMatch()) << call[u"id"].toString().toStdString();
    EXPECT_EQ(call[u"type"].toString(), "function");
    EXPECT_EQ(call[u"function"][u"name"].toString(), "lookup_weather");
    // arguments is a JSON string holding the args object.
    EXPECT_JSON_EQ(obj(call[u"function"][u"arguments"].toString().toUtf8()), obj(R"({"city":"Lyon"})"));
    EXPECT_TRUE(call[u"extra_content"][u"google"][u"thought_signature"].toString().startsWith(
        QStringLiteral("CuoBAXLI2nz4")));
    EXPECT_EQ(r[u"usage"][u"completion_tokens"].toInt(), 15 + 61);
}

// The signature must make it back to Gemini on the next turn, and the tool result must
// carry the function name the tool message lacks.
TEST(GeminiChatResponse, ThoughtSignatureRoundTrip) {
    const QByteArray upstream = readData("generate_content_function_call_signature.json");
    const QString signature = obj(upstream)[u"candidates"].toArray().at(0)[u"content"][u"parts"]
                                  .toArray().at(0)[u"thoughtSignature"].toString();
    const QJsonObject assistant = message(translate(upstream));
    const QString id = assistant[u"tool_calls"].toArray().at(0)[u"id"].toString();

    auto nextTurn = [&](const QJsonObject& assistantMessage) {
        const QJsonObject request{
            {"messages", QJsonArray{QJsonObject{{"role", "user"}, {"content", "Weather?"}},
                                    assistantMessage,
                                    QJsonObject{{"role", "tool"}, {"tool_call_id", id},
                                                {"content", "{\"temp\":21}"}}}}};
        GeminiChatTranslator t(provider());
        Result<UpstreamRequest> r = t.buildRequest(request, QStringLiteral("gemini-3-pro-preview"));
        EXPECT_TRUE(r.ok());
        return r.ok() ? obj(r->body)[u"contents"].toArray() : QJsonArray();
    };

    // 1) The client sends the assistant message back as received (extra_content kept).
    QJsonArray contents = nextTurn(assistant);
    EXPECT_JSON_EQ(contents.at(1).toObject(),
                   (QJsonObject{{"role", "model"},
                                {"parts", QJsonArray{QJsonObject{
                                              {"functionCall", QJsonObject{{"name", "lookup_weather"},
                                                                           {"args", obj(R"({"city":"Lyon"})")}}},
                                              {"thoughtSignature", signature}}}}}));
    EXPECT_JSON_EQ(contents.at(2).toObject(), obj(R"({"role":"user","parts":[
        {"functionResponse":{"name":"lookup_weather","response":{"temp":21}}}]})"));

    // 2) The client rebuilt the tool call from (id, name, arguments) only: the id still
    //    brings the signature back.
    QJsonObject stripped = assistant;
    QJsonObject call = assistant[u"tool_calls"].toArray().at(0).toObject();
    call.remove(u"extra_content");
    stripped[QStringLiteral("tool_calls")] = QJsonArray{call};
    contents = nextTurn(stripped);
    EXPECT_EQ(contents.at(1)[u"parts"].toArray().at(0)[u"thoughtSignature"].toString(), signature);
}

TEST(GeminiChatResponse, ToolCallIdsAreUniqueAcrossResponses) {
    const QByteArray body = R"({"candidates": [{"content": {"parts": [
        {"functionCall": {"name": "a","args": {}}},
        {"functionCall": {"name": "b","args": {"x": 1}}}],"role": "model"},"finishReason": "STOP"}]})";
    QSet<QString> ids;
    for (int turn = 0; turn < 2; ++turn) {
        const QJsonArray calls = message(translate(body))[u"tool_calls"].toArray();
        ASSERT_EQ(calls.size(), 2);
        for (const QJsonValue& c : calls) ids.insert(c[u"id"].toString());
    }
    EXPECT_EQ(ids.size(), 4);
}

TEST(GeminiChatResponse, ThoughtPartsBecomeReasoningContent) {
    const QJsonObject r = translate(R"({"candidates": [{"content": {"parts": [
        {"text": "Think about rivers.","thought": true},
        {"text": "Lyon is "},{"text": "in France."}],"role": "model"},"finishReason": "STOP"}],
        "usageMetadata": {"promptTokenCount": 5,"candidatesTokenCount": 4,"thoughtsTokenCount": 9}})");
    EXPECT_JSON_EQ(message(r), obj(R"({"role":"assistant","content":"Lyon is in France.",
        "reasoning_content":"Think about rivers."})"));
    EXPECT_EQ(r[u"usage"][u"completion_tokens_details"][u"reasoning_tokens"].toInt(), 9);
}

TEST(GeminiChatResponse, MultipleCandidatesBecomeChoices) {
    const QJsonObject r = translate(R"({"candidates": [
        {"content": {"parts": [{"text": "A"}],"role": "model"},"finishReason": "STOP","index": 0},
        {"content": {"parts": [{"text": "B"}],"role": "model"},"finishReason": "MAX_TOKENS","index": 1}]})");
    ASSERT_EQ(r[u"choices"].toArray().size(), 2);
    EXPECT_EQ(message(r, 1)[u"content"].toString(), "B");
    EXPECT_EQ(choice(r, 1)[u"index"].toInt(), 1);
    EXPECT_EQ(choice(r, 1)[u"finish_reason"].toString(), "length");
    EXPECT_FALSE(r.contains(u"usage"));  // no usageMetadata: unknown, not zero
}

struct FinishCase {
    const char* gemini;
    const char* openai;
};

class GeminiFinishReason : public ::testing::TestWithParam<FinishCase> {};

TEST_P(GeminiFinishReason, Maps) {
    const QByteArray body = QByteArray(R"({"candidates": [{"content": {"parts": [{"text": "x"}],"role": "model"},"finishReason": ")") +
                            GetParam().gemini + "\"}]}";
    EXPECT_EQ(choice(translate(body))[u"finish_reason"].toString(), GetParam().openai);
}

INSTANTIATE_TEST_SUITE_P(
    All, GeminiFinishReason,
    ::testing::Values(FinishCase{"STOP", "stop"}, FinishCase{"MAX_TOKENS", "length"},
                      FinishCase{"SAFETY", "content_filter"}, FinishCase{"RECITATION", "content_filter"},
                      FinishCase{"BLOCKLIST", "content_filter"},
                      FinishCase{"PROHIBITED_CONTENT", "content_filter"},
                      FinishCase{"SPII", "content_filter"}, FinishCase{"IMAGE_SAFETY", "content_filter"},
                      FinishCase{"OTHER", "stop"}));

TEST(GeminiChatResponse, SafetyStopWithoutContent) {
    const QJsonObject r = translate(R"({"candidates": [{"finishReason": "SAFETY","index": 0}]})");
    EXPECT_JSON_EQ(choice(r), obj(R"({"index":0,"logprobs":null,"finish_reason":"content_filter",
        "message":{"role":"assistant","content":""}})"));
}

TEST(GeminiChatResponse, BlockedPromptIsContentFilterWithEmptyContent) {
    const QJsonObject r = translate(R"({"promptFeedback": {"blockReason": "PROHIBITED_CONTENT"},
        "usageMetadata": {"promptTokenCount": 8,"totalTokenCount": 8},"modelVersion": "gemini-2.5-flash"})");
    EXPECT_JSON_EQ(choice(r), obj(R"({"index":0,"logprobs":null,"finish_reason":"content_filter",
        "message":{"role":"assistant","content":""}})"));
    EXPECT_EQ(r[u"usage"][u"prompt_tokens"].toInt(), 8);
    EXPECT_EQ(r[u"usage"][u"completion_tokens"].toInt(), 0);
}

TEST(GeminiChatResponse, ToolUsePromptTokensCountAsPrompt) {
    Usage usage;
    translate(R"({"candidates": [{"content": {"parts": [{"text": "x"}],"role": "model"},"finishReason": "STOP"}],
        "usageMetadata": {"promptTokenCount": 10,"toolUsePromptTokenCount": 90,"candidatesTokenCount": 5,
        "totalTokenCount": 105}})", &usage);
    EXPECT_EQ(usage.promptTokens, 100);
    EXPECT_EQ(usage.totalTokens(), 105);
}

TEST(GeminiChatResponse, ModelFallsBackToUpstreamModel) {
    GeminiChatTranslator t(provider());
    ASSERT_TRUE(t.buildRequest(obj(R"({"messages":[{"role":"user","content":"x"}]})"),
                               QStringLiteral("gemini-2.5-flash-lite")).ok());
    Result<TranslatedBody> r = t.translateResponse(
        R"({"candidates": [{"content": {"parts": [{"text": "x"}],"role": "model"},"finishReason": "STOP"}]})");
    ASSERT_TRUE(r.ok());
    const QJsonObject out = obj(r->body);
    EXPECT_EQ(out[u"model"].toString(), "gemini-2.5-flash-lite");
    EXPECT_TRUE(out[u"id"].toString().startsWith(QStringLiteral("chatcmpl-")));
}

TEST(GeminiChatResponse, UnreadableBodyIs502AndErrorBodyIsMapped) {
    GeminiChatTranslator t(provider());
    Result<TranslatedBody> r = t.translateResponse("<html>oops</html>");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().status, 502);
    EXPECT_EQ(r.error().code, "upstream_invalid_response");
    r = t.translateResponse(R"({"error": {"code": 503,"message": "The model is overloaded.","status": "UNAVAILABLE"}})");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().status, 503);
    EXPECT_EQ(r.error().code, "unavailable");
}

}  // namespace
}  // namespace ar
