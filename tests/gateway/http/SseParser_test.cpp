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

}  // namespace
}  // namespace ar
