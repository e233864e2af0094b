#include "http/SseParser.h"

#include <gtest/gtest.h>

namespace ar {
namespace {

QList<SseEvent> parseAll(const QList<QByteArray>& pieces) {
    SseParser parser;
    QList<SseEvent> out;
    for (const auto& p : pieces) parser.feed(p, out);
    return out;
}

TEST(SseParser, OpenAiFramingWithDone) {
    auto events = parseAll({"data: {\"a\":1}\n\ndata: [DONE]\n\n"});
    ASSERT_EQ(events.size(), 2);
    EXPECT_EQ(events[0].data, "{\"a\":1}");
    EXPECT_TRUE(events[0].event.isEmpty());
    EXPECT_EQ(events[1].data, "[DONE]");
}

TEST(SseParser, AnthropicEventLinesAndPaddedData) {
    auto events = parseAll({"event: message_stop\ndata: {\"type\":\"message_stop\"   }\n\n",
                            "event: ping\ndata: {\"type\": \"ping\"}\n\n"});
    ASSERT_EQ(events.size(), 2);
    EXPECT_EQ(events[0].event, "message_stop");
    EXPECT_EQ(events[0].data, "{\"type\":\"message_stop\"   }");
    EXPECT_EQ(events[1].event, "ping");
}

TEST(SseParser, GeminiCrLfSeparators) {
    auto events = parseAll({"data: {\"x\": 1}\r\n\r\ndata: {\"x\": 2}\r\n\r\n"});
    ASSERT_EQ(events.size(), 2);
    EXPECT_EQ(events[1].data, "{\"x\": 2}");
}

TEST(SseParser, EventSplitAcrossReadsIsHeldUntilComplete) {
    SseParser parser;
    QList<SseEvent> out;
    parser.feed("data: {\"he", out);
    EXPECT_TRUE(out.isEmpty());
    parser.feed("llo\":true}\r", out);
    EXPECT_TRUE(out.isEmpty());
    parser.feed("\n\r\n", out);
    ASSERT_EQ(out.size(), 1);
    EXPECT_EQ(out[0].data, "{\"hello\":true}");
}

TEST(SseParser, CommentsAreIgnoredAndMultiLineDataJoined) {
    auto events = parseAll({": keep-alive\n\ndata: a\ndata: b\n\n"});
    ASSERT_EQ(events.size(), 1);
    EXPECT_EQ(events[0].data, "a\nb");
}

TEST(SseParser, AnySplitOfALongStreamGivesTheSameEvents) {
    // Reads end anywhere: mid-line, between '\r' and '\n', after a whole event. Long enough
    // that the consumed prefix is compacted while a partial line is held.
    QByteArray stream;
    for (int i = 0; i < 400; ++i) {
        const char* sep = i % 3 == 0 ? "\r\n" : "\n";
        if (i % 5 == 0) stream += QByteArray("event: e") + QByteArray::number(i) + sep;
        stream += "data: {\"i\":" + QByteArray::number(i) + ",\"pad\":\"" + QByteArray(i % 97, 'x') + "\"}" + sep;
        if (i % 7 == 0) stream += QByteArray(": ping") + sep;
        stream += sep;
    }
    const QList<SseEvent> whole = parseAll({stream});
    ASSERT_EQ(whole.size(), 400);
    EXPECT_EQ(whole[5].event, "e5");
    EXPECT_EQ(whole[399].data, "{\"i\":399,\"pad\":\"" + QByteArray(399 % 97, 'x') + "\"}");
    quint32 seed = 1;
    for (int run = 0; run < 20; ++run) {
        QList<QByteArray> pieces;
        for (qsizetype at = 0; at < stream.size();) {
            seed = seed * 1103515245u + 12345u;
            const qsizetype n = run == 0 ? 1 : 1 + qsizetype((seed >> 8) % 700);
            pieces.append(stream.mid(at, n));
            at += n;
        }
        const QList<SseEvent> split = parseAll(pieces);
        ASSERT_EQ(split.size(), whole.size()) << "run " << run;
        for (qsizetype i = 0; i < whole.size(); ++i) {
            ASSERT_EQ(split[i].data, whole[i].data) << "run " << run << " event " << i;
            ASSERT_EQ(split[i].event, whole[i].event) << "run " << run << " event " << i;
        }
    }
}

}  // namespace
}  // namespace ar
