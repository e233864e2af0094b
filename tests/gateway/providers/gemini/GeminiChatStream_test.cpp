// Gemini streamGenerateContent?alt=sse events -> OpenAI chat.completion.chunk payloads.

#include <QSet>

#include "GeminiTestSupport.h"
#include "providers/gemini/GeminiChatTranslator.h"

namespace ar {
namespace {

using namespace gemini_test;

// A translator that has seen a streaming request (include_usage optional).
std::unique_ptr<GeminiChatTranslator> streamingTranslator(bool includeUsage,
                                                          const char* model = "gemini-2.5-flash") {
    auto t = std::make_unique<GeminiChatTranslator>(provider());
    const QByteArray req =
        QByteArray(R"({"stream":true,"messages":[{"role":"user","content":"x"}])") +
        (includeUsage ? R"(,"stream_options":{"include_usage":true}})" : "}");
    EXPECT_TRUE(t->buildRequest(obj(req), QString::fromLatin1(model)).ok());
    return t;
}

// Every chunk of one stream shares id, created and model.
void expectOneIdentity(const QList<QJsonObject>& chunks) {
    ASSERT_FALSE(chunks.isEmpty());
    for (const QJsonObject& c : chunks) {
        EXPECT_EQ(c[u"object"].toString(), "chat.completion.chunk");
        EXPECT_EQ(c[u"id"], chunks[0][u"id"]);
        EXPECT_EQ(c[u"created"], chunks[0][u"created"]);
        EXPECT_EQ(c[u"model"], chunks[0][u"model"]);
    }
}

TEST(GeminiChatStream, FixtureIsCrLfFramedLikeTheWire) {
    const QByteArray sse = readData("stream_text.sse");
    EXPECT_TRUE(sse.startsWith("data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": "));
    EXPECT_TRUE(sse.endsWith("}\r\n\r\n"));
    EXPECT_EQ(sse.count("\r\n\r\n"), 3);
    EXPECT_FALSE(sse.contains("event:"));
    EXPECT_FALSE(sse.contains("[DONE]"));
    EXPECT_EQ(sse.count("usageMetadata"), 3);
    EXPECT_EQ(sse.count("finishReason"), 1);
}

TEST(GeminiChatStream, TextThroughSseParserInSmallReads) {
    auto t = streamingTranslator(false);
    const StreamRun run = runStream(*t, readData("stream_text.sse"), 5);
    ASSERT_FALSE(run.error);
    ASSERT_EQ(run.chunks.size(), 5);
    expectOneIdentity(run.chunks);
    EXPECT_EQ(run.chunks[0][u"id"].toString(), "chatcmpl-k3RtZc2mBoWx8QeP4LdJvA");
    EXPECT_EQ(run.chunks[0][u"model"].toString(), "gemini-2.5-flash");
    EXPECT_JSON_EQ(delta(run.chunks[0]), obj(R"({"role":"assistant","content":""})"));
    EXPECT_TRUE(finishReason(run.chunks[0]).isNull());
    QString text;
    for (int i = 1; i <= 3; ++i) {
        text += delta(run.chunks[i])[u"content"].toString();
        EXPECT_TRUE(finishReason(run.chunks[i]).isNull());
    }
    EXPECT_EQ(text, QStringLiteral("Lyon sits where the Rhône meets the Saône.\n"));
    EXPECT_JSON_EQ(delta(run.chunks[4]), QJsonObject());
    EXPECT_EQ(finishReason(run.chunks[4]).toString(), "stop");

    EXPECT_TRUE(t->streamComplete());
    QList<QByteArray> tail;
    ASSERT_TRUE(t->finishStream(tail).ok());
    EXPECT_TRUE(tail.isEmpty());  // the client did not ask for usage
    // Usage repeats on every event: the last one wins (its prompt count even differs).
    EXPECT_EQ(t->usage().promptTokens, 10);
    EXPECT_EQ(t->usage().completionTokens, 7);
}

TEST(GeminiChatStream, IncludeUsageAppendsFinalUsageChunk) {
    auto t = streamingTranslator(true);
    StreamRun run = runStream(*t, readData("stream_text.sse"));
    ASSERT_FALSE(run.error);
    QList<QByteArray> tail;
    ASSERT_TRUE(t->finishStream(tail).ok());
    ASSERT_EQ(tail.size(), 1);
    const QJsonObject last = obj(tail[0]);
    run.chunks.append(last);
    expectOneIdentity(run.chunks);
    EXPECT_TRUE(last[u"choices"].toArray().isEmpty());
    EXPECT_JSON_EQ(last[u"usage"].toObject(), obj(R"({"prompt_tokens":10,"completion_tokens":7,
        "total_tokens":17,"prompt_tokens_details":{"cached_tokens":0},
        "completion_tokens_details":{"reasoning_tokens":0}})"));
}

TEST(GeminiChatStream, Gemini3FunctionCallThenEmptyTextStop) {
    auto t = streamingTranslator(true, "gemini-3-pro-preview");
    const StreamRun run = runStream(*t, readData("stream_function_call_gemini3.sse"), 64);
    ASSERT_FALSE(run.error);
    ASSERT_EQ(run.chunks.size(), 3);  // role, tool call, finish: no empty content delta
    expectOneIdentity(run.chunks);
    const QJsonArray calls = delta(run.chunks[1])[u"tool_calls"].toArray();
    ASSERT_EQ(calls.size(), 1);
    const QJsonObject call = calls.at(0).toObject();
    EXPECT_EQ(call[u"index"].toInt(), 0);
    EXPECT_TRUE(call[u"id"].toString().startsWith(QStringLiteral("call_")));
    EXPECT_EQ(call[u"type"].toString(), "function");
    EXPECT_EQ(call[u"function"][u"name"].toString(), "lookup_weather");
    EXPECT_JSON_EQ(obj(call[u"function"][u"arguments"].toString().toUtf8()),
                   obj(R"({"city":"Lyon","unit":"celsius"})"));
    EXPECT_TRUE(call[u"extra_content"][u"google"][u"thought_signature"].toString().startsWith(
        QStringLiteral("CpUBAXLI2nw7Qm+4vT/9")));
    EXPECT_EQ(finishReason(run.chunks[2]).toString(), "tool_calls");
    EXPECT_TRUE(t->streamComplete());
    EXPECT_EQ(t->usage().promptTokens, 31);
    EXPECT_EQ(t->usage().completionTokens, 12 + 137);
    EXPECT_EQ(t->usage().reasoningTokens, 137);
}

TEST(GeminiChatStream, ToolCallIndexCountsAcrossTheStream) {
    auto t = streamingTranslator(false);
    const QByteArray sse =
        sseEvent(R"({"candidates": [{"content": {"parts": [{"functionCall": {"name": "a","args": {}}},{"functionCall": {"name": "b","args": {"k": 1}}}],"role": "model"},"index": 0}]})") +
        sseEvent(R"({"candidates": [{"content": {"parts": [{"functionCall": {"name": "c","args": {}}}],"role": "model"},"finishReason": "STOP","index": 0}]})");
    const StreamRun run = runStream(*t, sse);
    ASSERT_FALSE(run.error);
    QList<int> indexes;
    QSet<QString> ids;
    for (const QJsonObject& c : run.chunks)
        for (const QJsonValue& call : delta(c)[u"tool_calls"].toArray()) {
            indexes.append(call[u"index"].toInt());
            ids.insert(call[u"id"].toString());
        }
    EXPECT_EQ(indexes, (QList<int>{0, 1, 2}));
    EXPECT_EQ(ids.size(), 3);
    EXPECT_EQ(finishReason(run.chunks.last()).toString(), "tool_calls");
}

TEST(GeminiChatStream, RepeatedUsageIsSetNotAdded) {
    auto t = streamingTranslator(false);
    QByteArray sse;
    for (int i = 1; i <= 4; ++i) {
        const QByteArray event = QStringLiteral(
            R"({"candidates": [{"content": {"parts": [{"text": "w%1"}],"role": "model"}%2}],"usageMetadata": {"promptTokenCount": 20,"candidatesTokenCount": %3,"totalTokenCount": %4,"cachedContentTokenCount": 16,"thoughtsTokenCount": 5}})")
            .arg(i).arg(i == 4 ? QStringLiteral(",\"finishReason\": \"STOP\"") : QString())
            .arg(i * 3).arg(20 + i * 3 + 5).toUtf8();
        sse += sseEvent(event.constData());
    }
    ASSERT_FALSE(runStream(*t, sse).error);
    EXPECT_EQ(t->usage().promptTokens, 20);
    EXPECT_EQ(t->usage().completionTokens, 12 + 5);
    EXPECT_EQ(t->usage().cachedTokens, 16);
    EXPECT_EQ(t->usage().reasoningTokens, 5);
}

TEST(GeminiChatStream, StreamCutBeforeFinishReasonIsAnError) {
    auto t = streamingTranslator(true);
    const QByteArray sse = readData("stream_text.sse");
    // Only the first event arrives before the connection drops.
    const StreamRun run = runStream(*t, sse.left(sse.indexOf("\r\n\r\n") + 4));
    ASSERT_FALSE(run.error);
    EXPECT_EQ(run.chunks.size(), 2);
    EXPECT_FALSE(t->streamComplete());
    QList<QByteArray> tail;
    const Status s = t->finishStream(tail);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().status, 502);
    EXPECT_EQ(s.error().code, "upstream_stream_cut");
    EXPECT_EQ(s.error().message, "upstream stream ended before completion");
    EXPECT_TRUE(tail.isEmpty());
}

TEST(GeminiChatStream, EmptyStreamIsCut) {
    auto t = streamingTranslator(false);
    EXPECT_FALSE(t->streamComplete());
    QList<QByteArray> tail;
    EXPECT_EQ(t->finishStream(tail).error().code, "upstream_stream_cut");
}

TEST(GeminiChatStream, InBandErrorEventIsReturned) {
    auto t = streamingTranslator(false);
    const QByteArray sse =
        sseEvent(R"({"candidates": [{"content": {"parts": [{"text": "Hel"}],"role": "model"}}]})") +
        sseEvent(R"({"error": {"code": 503,"message": "The model is overloaded. Please try again later.","status": "UNAVAILABLE"}})");
    const StreamRun run = runStream(*t, sse);
    ASSERT_TRUE(run.error);
    EXPECT_EQ(run.error->status, 503);
    EXPECT_EQ(run.error->code, "unavailable");
    EXPECT_EQ(run.error->message, "The model is overloaded. Please try again later.");
    EXPECT_FALSE(t->streamComplete());
}

TEST(GeminiChatStream, UnreadableEventIsBadGateway) {
    auto t = streamingTranslator(false);
    QList<QByteArray> out;
    const Status s = t->translateEvent(SseEvent{{}, "{not json"}, out);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().status, 502);
}

TEST(GeminiChatStream, ThoughtsStreamAsReasoningAndMaxTokensIsLength) {
    auto t = streamingTranslator(false);
    const QByteArray sse =
        sseEvent(R"({"candidates": [{"content": {"parts": [{"text": "Considering rivers","thought": true}],"role": "model"}}]})") +
        sseEvent(R"({"candidates": [{"content": {"parts": [{"text": "Lyon"}],"role": "model"},"finishReason": "MAX_TOKENS"}]})");
    const StreamRun run = runStream(*t, sse);
    ASSERT_EQ(run.chunks.size(), 4);
    EXPECT_JSON_EQ(delta(run.chunks[1]), obj(R"({"reasoning_content":"Considering rivers"})"));
    EXPECT_JSON_EQ(delta(run.chunks[2]), obj(R"({"content":"Lyon"})"));
    EXPECT_EQ(finishReason(run.chunks[3]).toString(), "length");
}

TEST(GeminiChatStream, BlockedPromptFinishesWithContentFilter) {
    auto t = streamingTranslator(false);
    const StreamRun run = runStream(
        *t, sseEvent(R"({"promptFeedback": {"blockReason": "SAFETY"},"usageMetadata": {"promptTokenCount": 7,"totalTokenCount": 7}})"));
    ASSERT_EQ(run.chunks.size(), 2);
    EXPECT_EQ(finishReason(run.chunks[1]).toString(), "content_filter");
    EXPECT_TRUE(t->streamComplete());
    EXPECT_EQ(t->usage().promptTokens, 7);
}

TEST(GeminiChatStream, EveryCandidateMustFinish) {
    auto t = streamingTranslator(false);
    const QByteArray sse = sseEvent(
        R"({"candidates": [{"content": {"parts": [{"text": "A"}],"role": "model"},"finishReason": "STOP","index": 0},{"content": {"parts": [{"text": "B"}],"role": "model"},"index": 1}]})");
    const StreamRun run = runStream(*t, sse);
    EXPECT_FALSE(t->streamComplete());
    QSet<int> indexes;
    for (const QJsonObject& c : run.chunks) indexes.insert(c[u"choices"].toArray().at(0)[u"index"].toInt());
    EXPECT_EQ(indexes, (QSet<int>{0, 1}));
    QList<QByteArray> out;
    ASSERT_TRUE(t->translateEvent(SseEvent{{}, R"({"candidates": [{"content": {"parts": [{"text": ""}],"role": "model"},"finishReason": "STOP","index": 1}]})"}, out).ok());
    EXPECT_TRUE(t->streamComplete());
}

}  // namespace
}  // namespace ar
