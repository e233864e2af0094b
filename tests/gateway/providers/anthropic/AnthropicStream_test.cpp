// Anthropic Messages SSE -> OpenAI chat.completion.chunk payloads (translateEvent, finishStream).
#include <gtest/gtest.h>

#include <QDateTime>

#include "AnthropicTestSupport.h"
#include "providers/anthropic/AnthropicChatTranslator.h"

namespace ar {
namespace {

using test::assemble;
using test::parseObject;
using test::readAnthropicData;
using test::runStream;

QByteArray data(const char* name) { return readAnthropicData(QString::fromLatin1(name)); }

// A translator prepared by a streaming request, as the proxy does.
std::unique_ptr<AnthropicChatTranslator> streamingTranslator(bool includeUsage = false) {
    auto t = std::make_unique<AnthropicChatTranslator>(test::anthropicProvider());
    QJsonObject request = parseObject(QByteArray(
        R"({"model":"claude","stream":true,"messages":[{"role":"user","content":"Hi"}]})"));
    if (includeUsage) {
        request.insert(QStringLiteral("stream_options"),
                       QJsonObject{{QStringLiteral("include_usage"), true}});
    }
    EXPECT_TRUE(t->buildRequest(request, QStringLiteral("claude-haiku-4-5")).ok());
    return t;
}

QJsonObject delta(const QJsonObject& chunk) { return chunk["choices"][0]["delta"].toObject(); }

// Drops the last event (message_stop) from an SSE body.
QByteArray withoutLastEvent(const QByteArray& sse) {
    const qsizetype end = sse.lastIndexOf("\n\n", sse.size() - 3);
    return sse.left(end + 2);
}

TEST(AnthropicStream, TextStreamChunksShareIdCreatedAndModel) {
    const qint64 before = QDateTime::currentSecsSinceEpoch();
    auto t = streamingTranslator();
    const test::StreamRun run = runStream(*t, data("stream_text_2026.sse"));
    ASSERT_FALSE(run.error);
    ASSERT_EQ(run.chunks.size(), 4);  // role, "Hi", " there!", finish

    EXPECT_EQ(delta(run.chunks[0]),
              parseObject(QByteArray(R"({"role":"assistant","content":""})")));
    EXPECT_EQ(delta(run.chunks[1]), parseObject(QByteArray(R"({"content":"Hi"})")));
    EXPECT_EQ(delta(run.chunks[2]), parseObject(QByteArray(R"({"content":" there!"})")));
    EXPECT_EQ(run.chunks[3]["choices"], QJsonValue(QJsonArray{parseObject(QByteArray(
                                            R"({"index":0,"delta":{},"finish_reason":"stop"})"))}));
    for (const QJsonObject& c : run.chunks) {
        EXPECT_EQ(c["id"], QJsonValue(QStringLiteral("msg_01Gq7TextStreamAaBbCc")));
        EXPECT_EQ(c["object"], QJsonValue(QStringLiteral("chat.completion.chunk")));
        EXPECT_EQ(c["model"], QJsonValue(QStringLiteral("claude-haiku-4-5-20251001")));
        EXPECT_EQ(c["created"], run.chunks[0]["created"]);
        EXPECT_GE(c["created"].toInteger(), before);
    }
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(run.chunks[i]["choices"][0]["finish_reason"].isNull());

    EXPECT_TRUE(t->streamComplete());
    QList<QByteArray> tail;
    EXPECT_TRUE(t->finishStream(tail).ok());
    EXPECT_TRUE(tail.isEmpty()) << "no usage chunk unless the client asked for one";
}

TEST(AnthropicStream, UsageRepeatedIn2026MessageDeltaIsSetNotAdded) {
    auto t = streamingTranslator();
    ASSERT_FALSE(runStream(*t, data("stream_text_2026.sse")).error);
    const Usage u = t->usage();
    EXPECT_EQ(u.promptTokens, 12);
    EXPECT_EQ(u.completionTokens, 6);
    EXPECT_EQ(u.cachedTokens, 0);
    EXPECT_EQ(u.cacheWriteTokens, 0);
}

TEST(AnthropicStream, CacheRead2024ShapeMergesMessageStartAndDelta) {
    auto t = streamingTranslator(/*includeUsage=*/true);
    const test::StreamRun run = runStream(*t, data("stream_cache_read_2024.sse"));
    ASSERT_FALSE(run.error);
    EXPECT_EQ(assemble(run.chunks).finishReason, QStringLiteral("length"));
    EXPECT_EQ(assemble(run.chunks).content, QStringLiteral("A cache hit."));

    const Usage u = t->usage();
    EXPECT_EQ(u.promptTokens, 9 + 2048);  // message_delta had no input count: keep the start's
    EXPECT_EQ(u.completionTokens, 50);
    EXPECT_EQ(u.cachedTokens, 2048);
    EXPECT_EQ(u.cacheWriteTokens, 0);

    QList<QByteArray> tail;
    ASSERT_TRUE(t->finishStream(tail).ok());
    ASSERT_EQ(tail.size(), 1);
    const QJsonObject usageChunk = parseObject(tail[0]);
    EXPECT_EQ(usageChunk["choices"], QJsonValue(QJsonArray{}));
    EXPECT_EQ(usageChunk["id"], run.chunks[0]["id"]);
    EXPECT_EQ(usageChunk["object"], QJsonValue(QStringLiteral("chat.completion.chunk")));
    EXPECT_EQ(usageChunk["usage"], QJsonValue(parseObject(QByteArray(R"({
        "prompt_tokens": 2057, "completion_tokens": 50, "total_tokens": 2107,
        "prompt_tokens_details": {"cached_tokens": 2048}
    })"))));

    QList<QByteArray> again;
    EXPECT_TRUE(t->finishStream(again).ok());
    EXPECT_TRUE(again.isEmpty()) << "the usage chunk is sent once";
}

TEST(AnthropicStream, CacheCreation2024Shape) {
    auto t = streamingTranslator();
    ASSERT_FALSE(runStream(*t, data("stream_cache_creation_2024.sse")).error);
    const Usage u = t->usage();
    EXPECT_EQ(u.promptTokens, 21 + 1500);
    EXPECT_EQ(u.completionTokens, 3);
    EXPECT_EQ(u.cachedTokens, 0);
    EXPECT_EQ(u.cacheWriteTokens, 1500);
}

TEST(AnthropicStream, ToolCallIndexCountsCallsNotBlocks) {
    auto t = streamingTranslator();
    const test::StreamRun run = runStream(*t, data("stream_tool_text_first_2024.sse"));
    ASSERT_FALSE(run.error);
    const test::Assembled a = assemble(run.chunks);
    EXPECT_EQ(a.content, QStringLiteral("Let me check the forecast."));
    EXPECT_EQ(a.finishReason, QStringLiteral("tool_calls"));

    // The tool_use is Anthropic block 1 but OpenAI tool call 0.
    ASSERT_EQ(a.toolCalls.keys(), QList<int>{0});
    const test::AssembledCall& call = a.toolCalls[0];
    EXPECT_EQ(call.id, QStringLiteral("toolu_01KtForecastLookupJj"));
    EXPECT_EQ(call.name, QStringLiteral("get_forecast"));
    EXPECT_EQ(parseObject(call.arguments),
              parseObject(QByteArray(R"({"city":"Lisbon","days":3})")));
    EXPECT_EQ(call.deltas, 4) << "one opening delta + three non-empty fragments";

    // The opening delta has OpenAI's exact shape, with arguments "" (not the start's {}).
    const QJsonObject opening =
        std::find_if(
            run.chunks.cbegin(), run.chunks.cend(),
            [](const QJsonObject& c) { return delta(c).contains(QStringLiteral("tool_calls")); })
            ->value(QStringLiteral("choices"))[0]["delta"]
            .toObject();
    EXPECT_EQ(opening,
              parseObject(QByteArray(R"({"tool_calls":[{"index":0,"id":"toolu_01KtForecastLookupJj",
        "type":"function","function":{"name":"get_forecast","arguments":""}}]})")));
    for (const QJsonObject& c : run.chunks) {
        for (const QJsonValue& tc : delta(c)["tool_calls"].toArray()) {
            EXPECT_EQ(tc["index"], QJsonValue(0));
            EXPECT_NE(tc["function"]["arguments"], QJsonValue(QStringLiteral("{}")));
        }
    }
}

TEST(AnthropicStream, ParallelToolUseWithEmptyInput) {
    auto t = streamingTranslator();
    const test::StreamRun run = runStream(*t, data("stream_tool_parallel_empty_2026.sse"));
    ASSERT_FALSE(run.error);
    const test::Assembled a = assemble(run.chunks);
    ASSERT_EQ(a.toolCalls.keys(), (QList<int>{0, 1}));
    EXPECT_EQ(a.toolCalls[0].id, QStringLiteral("toolu_01LuFirstCallLl"));
    EXPECT_EQ(a.toolCalls[1].id, QStringLiteral("toolu_01LuSecondCallMm"));
    for (const test::AssembledCall& call : a.toolCalls) {
        EXPECT_EQ(call.name, QStringLiteral("roll_dice"));
        EXPECT_EQ(call.arguments, QString()) << "never \"{}\": the empty partial adds nothing";
        EXPECT_EQ(call.deltas, 1) << "only the opening delta; the \"\" partial is not emitted";
    }
    EXPECT_EQ(a.finishReason, QStringLiteral("tool_calls"));
    EXPECT_EQ(a.content, QString());
    // role, two tool-call openings, finish.
    EXPECT_EQ(run.chunks.size(), 4);
    EXPECT_EQ(t->usage().promptTokens, 530);
    EXPECT_EQ(t->usage().completionTokens, 58);
}

TEST(AnthropicStream, ThinkingDeltasAndSignature) {
    auto t = streamingTranslator();
    const test::StreamRun run = runStream(*t, data("stream_thinking_signature_2026.sse"));
    ASSERT_FALSE(run.error);
    const test::Assembled a = assemble(run.chunks);
    EXPECT_EQ(a.reasoning, QStringLiteral("The user wants a short answer."));
    EXPECT_EQ(a.signature, QStringLiteral("EqQBCkYIBxgCKkBtestsignatureAAAA+/=="));
    EXPECT_EQ(a.content, QStringLiteral("Short answer."));
    EXPECT_EQ(a.finishReason, QStringLiteral("stop"));

    // role, 2 reasoning (the empty thinking_delta is skipped), signature, text, finish.
    ASSERT_EQ(run.chunks.size(), 6);
    EXPECT_EQ(delta(run.chunks[1]),
              parseObject(QByteArray(R"({"reasoning_content":"The user wants"})")));
    EXPECT_EQ(delta(run.chunks[3]),
              parseObject(
                  QByteArray(R"({"reasoning_signature":"EqQBCkYIBxgCKkBtestsignatureAAAA+/=="})")));
    EXPECT_EQ(delta(run.chunks[4]), parseObject(QByteArray(R"({"content":"Short answer."})")));
    EXPECT_EQ(t->usage().completionTokens, 77);
}

TEST(AnthropicStream, ErrorEventAfter200IsAnError) {
    auto t = streamingTranslator(/*includeUsage=*/true);
    const test::StreamRun run = runStream(*t, data("stream_error_overloaded_after_200.sse"));
    ASSERT_TRUE(run.error);
    EXPECT_EQ(run.error->status, 503);
    EXPECT_EQ(run.error->type, QStringLiteral("overloaded_error"));
    EXPECT_EQ(run.error->code, QStringLiteral("overloaded_error"));
    EXPECT_EQ(run.error->message, QStringLiteral("Overloaded"));
    EXPECT_EQ(assemble(run.chunks).content, QStringLiteral("Hel"));
    EXPECT_FALSE(t->streamComplete());

    // What was consumed is still recorded.
    EXPECT_EQ(t->usage().promptTokens, 10);
    EXPECT_EQ(t->usage().completionTokens, 2);

    QList<QByteArray> tail;
    const Status st = t->finishStream(tail);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, QStringLiteral("upstream_stream_cut"));
    EXPECT_TRUE(tail.isEmpty());
}

struct InBandErrorCase {
    const char* errorType;
    int status;
};

class AnthropicInBandError : public ::testing::TestWithParam<InBandErrorCase> {};

TEST_P(AnthropicInBandError, StatusFollowsTheErrorType) {
    AnthropicChatTranslator t(test::anthropicProvider());
    QList<QByteArray> out;
    const QByteArray payload = QByteArray(R"({"type": "error", "error": {"type": ")") +
                               GetParam().errorType + R"(", "message": "m"}}  )";
    const Status st = t.translateEvent({"error", payload}, out);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().status, GetParam().status);
    EXPECT_EQ(st.error().type, QString::fromLatin1(GetParam().errorType));
    EXPECT_EQ(st.error().code, QString::fromLatin1(GetParam().errorType));
    EXPECT_EQ(st.error().message, QStringLiteral("m"));
}

INSTANTIATE_TEST_SUITE_P(Table, AnthropicInBandError,
                         ::testing::Values(InBandErrorCase{"overloaded_error", 503},
                                           InBandErrorCase{"rate_limit_error", 429},
                                           InBandErrorCase{"invalid_request_error", 400},
                                           InBandErrorCase{"request_too_large", 413},
                                           InBandErrorCase{"api_error", 502},
                                           InBandErrorCase{"something_new", 502}));

TEST(AnthropicStream, CutBeforeMessageStopIsAnErrorButUsageIsKept) {
    auto t = streamingTranslator(/*includeUsage=*/true);
    const test::StreamRun run = runStream(*t, withoutLastEvent(data("stream_text_2026.sse")));
    ASSERT_FALSE(run.error);
    EXPECT_EQ(assemble(run.chunks).finishReason, QStringLiteral("stop"));
    EXPECT_FALSE(t->streamComplete());

    QList<QByteArray> tail;
    const Status st = t->finishStream(tail);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().status, 502);
    EXPECT_EQ(st.error().code, QStringLiteral("upstream_stream_cut"));
    EXPECT_EQ(st.error().message, QStringLiteral("upstream stream ended before completion"));
    EXPECT_TRUE(tail.isEmpty());
    EXPECT_EQ(t->usage().promptTokens, 12);
    EXPECT_EQ(t->usage().completionTokens, 6);
}

TEST(AnthropicStream, CutRightAfterMessageStartStillRecordsInputUsage) {
    auto t = streamingTranslator();
    const QByteArray sse = data("stream_text_2026.sse");
    ASSERT_FALSE(runStream(*t, sse.left(sse.indexOf("\n\n") + 2)).error);
    QList<QByteArray> tail;
    EXPECT_FALSE(t->finishStream(tail).ok());
    EXPECT_EQ(t->usage().promptTokens, 12);
    EXPECT_EQ(t->usage().completionTokens, 2);
}

TEST(AnthropicStream, PingWithSpacesAndPaddedPayloads) {
    auto t = streamingTranslator();
    QList<QByteArray> out;
    EXPECT_TRUE(t->translateEvent({"ping", R"({"type": "ping"})"}, out).ok());
    EXPECT_TRUE(t->translateEvent({"ping", R"({"type": "ping"}   )"}, out).ok());
    EXPECT_TRUE(out.isEmpty());
    EXPECT_TRUE(
        t->translateEvent(
             {"content_block_stop", R"({"type":"content_block_stop","index":0         })"}, out)
            .ok());
    EXPECT_FALSE(t->streamComplete());
    EXPECT_TRUE(t->translateEvent({"message_stop", R"({"type":"message_stop"   })"}, out).ok());
    EXPECT_TRUE(t->streamComplete());
}

TEST(AnthropicStream, UnknownEventTypesAreIgnored) {
    auto t = streamingTranslator();
    QList<QByteArray> out;
    EXPECT_TRUE(t->translateEvent(
                     {"message_start",
                      R"({"type":"message_start","message":{"id":"m","model":"c","usage":{}}})"},
                     out)
                    .ok());
    out.clear();
    EXPECT_TRUE(t->translateEvent({"future_event", R"({"type":"future_event","x":1})"}, out).ok());
    EXPECT_TRUE(
        t->translateEvent(
             {"content_block_start",
              R"({"type":"content_block_start","index":0,"content_block":{"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{}}})"},
             out)
            .ok());
    EXPECT_TRUE(
        t->translateEvent(
             {"content_block_delta",
              R"({"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\"q\":1}"}})"},
             out)
            .ok());
    EXPECT_TRUE(out.isEmpty()) << "server tools are not client tool calls";
}

TEST(AnthropicStream, UnreadablePayloadIsABadGateway) {
    auto t = streamingTranslator();
    QList<QByteArray> out;
    const Status st =
        t->translateEvent({"content_block_delta", "{\"type\":\"content_block_delta\""}, out);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().status, 502);
}

TEST(AnthropicStream, ReadSizesDoNotChangeTheOutput) {
    const QByteArray sse = data("stream_tool_text_first_2024.sse");
    auto whole = streamingTranslator();
    const test::StreamRun reference = runStream(*whole, sse, sse.size());
    for (qsizetype piece : {1, 2, 7, 64}) {
        auto t = streamingTranslator();
        const test::StreamRun run = runStream(*t, sse, piece);
        ASSERT_EQ(run.chunks.size(), reference.chunks.size()) << piece;
        for (qsizetype i = 0; i < run.chunks.size(); ++i) {
            EXPECT_EQ(run.chunks[i]["choices"], reference.chunks[i]["choices"]) << piece;
        }
    }
}

}  // namespace
}  // namespace ar
