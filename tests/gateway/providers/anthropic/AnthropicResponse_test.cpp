// Anthropic message -> OpenAI chat.completion (AnthropicChatTranslator::translateResponse).
#include <gtest/gtest.h>

#include <QDateTime>

#include "AnthropicTestSupport.h"
#include "providers/anthropic/AnthropicChatTranslator.h"

namespace ar {
namespace {

using test::parseObject;

struct Translated {
    QJsonObject body;
    Usage usage;
    Usage translatorUsage;  // what usage() reports afterwards
};

Translated translate(const QByteArray& anthropicBody) {
    AnthropicChatTranslator t(test::anthropicProvider());
    auto r = t.translateResponse(anthropicBody);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().toJson().toStdString());
    if (!r.ok()) return {};
    return {parseObject(r->body), r->usage, t.usage()};
}

QByteArray messageWith(const char* content, const char* stopReason, const char* usage) {
    return QStringLiteral(
               R"({"id":"msg_x","type":"message","role":"assistant","model":"claude-haiku-4-5",)"
               R"("content":%1,"stop_reason":%2,"stop_sequence":null,"usage":%3})")
        .arg(QString::fromUtf8(content), QString::fromUtf8(stopReason), QString::fromUtf8(usage))
        .toUtf8();
}

TEST(AnthropicResponse, TextWithCacheReadUsage) {
    const qint64 before = QDateTime::currentSecsSinceEpoch();
    const Translated t =
        translate(test::readAnthropicData(QStringLiteral("message_text_cache_read.json")));
    const QJsonObject& b = t.body;
    EXPECT_EQ(b["id"], QJsonValue(QStringLiteral("msg_01Pq5NonStreamCacheSsTt")));
    EXPECT_EQ(b["object"], QJsonValue(QStringLiteral("chat.completion")));
    EXPECT_EQ(b["model"], QJsonValue(QStringLiteral("claude-sonnet-4-20250514")));
    EXPECT_GE(b["created"].toInteger(), before);
    EXPECT_LE(b["created"].toInteger(), QDateTime::currentSecsSinceEpoch());
    EXPECT_EQ(b["choices"], QJsonValue(QJsonArray{parseObject(QByteArray(R"({
        "index": 0, "logprobs": null, "finish_reason": "length",
        "message": {"role": "assistant",
                    "content": "A cache is a small, fast store placed in front of a slower one."}
    })"))}));
    EXPECT_EQ(b["usage"], QJsonValue(parseObject(QByteArray(R"({
        "prompt_tokens": 3086, "completion_tokens": 64, "total_tokens": 3150,
        "prompt_tokens_details": {"cached_tokens": 3072}
    })"))));
    EXPECT_EQ(t.usage.promptTokens, 3086);
    EXPECT_EQ(t.usage.completionTokens, 64);
    EXPECT_EQ(t.usage.cachedTokens, 3072);
    EXPECT_EQ(t.usage.cacheWriteTokens, 0);
    EXPECT_EQ(t.translatorUsage.promptTokens, 3086);
}

TEST(AnthropicResponse, ParallelToolUseWithCacheCreation) {
    const Translated t =
        translate(test::readAnthropicData(QStringLiteral("message_tool_use_parallel.json")));
    const QJsonObject choice = t.body["choices"][0].toObject();
    EXPECT_EQ(choice["finish_reason"], QJsonValue(QStringLiteral("tool_calls")));
    const QJsonObject message = choice["message"].toObject();
    EXPECT_EQ(message["content"], QJsonValue(QStringLiteral("I'll look up both cities at once.")));

    const QJsonArray calls = message["tool_calls"].toArray();
    ASSERT_EQ(calls.size(), 3);
    const char* ids[] = {"toolu_01RsParallelParisUu", "toolu_01RsParallelOsloVv",
                         "toolu_01RsParallelNoArgsWw"};
    const char* args[] = {R"({"city":"Paris","units":"metric"})",
                          R"({"city":"Oslo","units":"metric"})", "{}"};
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(calls[i]["id"], QJsonValue(QString::fromLatin1(ids[i])));
        EXPECT_EQ(calls[i]["type"], QJsonValue(QStringLiteral("function")));
        const QJsonObject fn = calls[i]["function"].toObject();
        ASSERT_TRUE(fn["arguments"].isString());
        // Arguments are a JSON string; compare the value it encodes.
        EXPECT_EQ(parseObject(fn["arguments"].toString()), parseObject(QByteArray(args[i])));
    }
    EXPECT_EQ(calls[2]["function"]["name"], QJsonValue(QStringLiteral("current_time")));

    EXPECT_EQ(t.body["usage"], QJsonValue(parseObject(QByteArray(R"({
        "prompt_tokens": 611, "completion_tokens": 150, "total_tokens": 761,
        "prompt_tokens_details": {"cached_tokens": 0}
    })"))));
    EXPECT_EQ(t.usage.cacheWriteTokens, 200);
    EXPECT_EQ(t.usage.cachedTokens, 0);
}

TEST(AnthropicResponse, ThinkingBecomesReasoningContentAndReplayableBlocks) {
    const Translated t =
        translate(test::readAnthropicData(QStringLiteral("message_thinking.json")));
    EXPECT_EQ(t.body["choices"][0]["message"], QJsonValue(parseObject(QByteArray(R"({
        "role": "assistant",
        "content": "Pouch and Scoop.",
        "reasoning_content": "Two options come to mind.",
        "thinking_blocks": [
            {"type": "thinking", "thinking": "Two options come to mind.",
             "signature": "EpMBCkYIBxgCKkCnonstreamsignatureBBBB=="},
            {"type": "redacted_thinking", "data": "EmwKAhgBEgy3redactedCCCC"}]
    })"))));
    EXPECT_EQ(t.body["choices"][0]["finish_reason"], QJsonValue(QStringLiteral("stop")));
}

TEST(AnthropicResponse, NoTextBlocksGiveNullContent) {
    const Translated t = translate(
        messageWith(R"([{"type":"tool_use","id":"toolu_1","name":"f","input":{"a":[1,2]}}])",
                    R"("tool_use")", R"({"input_tokens":5,"output_tokens":7})"));
    const QJsonObject message = t.body["choices"][0]["message"].toObject();
    EXPECT_TRUE(message["content"].isNull());
    EXPECT_TRUE(message.contains(QStringLiteral("content")));
    EXPECT_FALSE(message.contains(QStringLiteral("reasoning_content")));
    EXPECT_EQ(message["tool_calls"][0]["function"]["arguments"],
              QJsonValue(QStringLiteral(R"({"a":[1,2]})")));
}

struct StopCase {
    const char* stopReason;
    const char* finishReason;
};

class AnthropicFinishReason : public ::testing::TestWithParam<StopCase> {};

TEST_P(AnthropicFinishReason, MapsStopReason) {
    const QByteArray stop = QByteArray("\"") + GetParam().stopReason + "\"";
    const Translated t = translate(messageWith(R"([{"type":"text","text":"x"}])", stop.constData(),
                                               R"({"input_tokens":1,"output_tokens":1})"));
    EXPECT_EQ(t.body["choices"][0]["finish_reason"],
              QJsonValue(QString::fromLatin1(GetParam().finishReason)));
}

INSTANTIATE_TEST_SUITE_P(
    Table, AnthropicFinishReason,
    ::testing::Values(StopCase{"end_turn", "stop"}, StopCase{"stop_sequence", "stop"},
                      StopCase{"pause_turn", "stop"}, StopCase{"max_tokens", "length"},
                      StopCase{"tool_use", "tool_calls"}, StopCase{"refusal", "content_filter"}));

TEST(AnthropicResponse, AbsentUsageFieldsAreNotZero) {
    const Translated partial = translate(
        messageWith(R"([{"type":"text","text":"x"}])", R"("end_turn")", R"({"output_tokens":5})"));
    EXPECT_EQ(partial.usage.promptTokens, -1);
    EXPECT_EQ(partial.usage.completionTokens, 5);
    EXPECT_FALSE(partial.body["usage"].toObject().contains(QStringLiteral("prompt_tokens")));
    EXPECT_EQ(partial.body["usage"]["completion_tokens"], QJsonValue(5));

    const Translated none =
        translate(messageWith(R"([{"type":"text","text":"x"}])", R"("end_turn")", "null"));
    EXPECT_FALSE(none.usage.known());
    EXPECT_FALSE(none.body.contains(QStringLiteral("usage")));
}

TEST(AnthropicResponse, UnreadableBodyIsABadGateway) {
    AnthropicChatTranslator t(test::anthropicProvider());
    for (const QByteArray& body : {QByteArray("<html>oops</html>"),
                                   QByteArray("{\"type\":\"message\"}"), QByteArray("[]")}) {
        auto r = t.translateResponse(body);
        ASSERT_FALSE(r.ok()) << body.toStdString();
        EXPECT_EQ(r.error().status, 502);
    }
}

}  // namespace
}  // namespace ar
