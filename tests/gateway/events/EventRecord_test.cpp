// Events as flat records, the form in which they wait for a window's thread.
#include "events/EventRecord.h"

#include <gtest/gtest.h>

namespace ar {
namespace {

RequestEvent everyFieldSet() {
    RequestEvent e;
    e.kind = RequestEvent::Kind::Finished;
    e.requestId = 0x1234'5678'9abcULL;
    e.timestampMs = 1'790'000'000'123;
    e.method = QStringLiteral("POST");
    e.path = QStringLiteral("/v1/images/generations");
    e.keyId = QStringLiteral("key_7f3a9c2e41b8");
    e.keyName = QStringLiteral("Équipe données 東京");  // not ASCII: UTF-16 units travel as they are
    e.model = QStringLiteral("gpt-image-1");
    e.provider = QStringLiteral("openai");
    e.upstreamModel = QStringLiteral("gpt-image-1-2025-04-15");
    e.stream = true;
    e.status = 429;
    e.errorCode = QStringLiteral("budget_exceeded");
    e.attempts = 3;
    e.usage.promptTokens = 1200;
    e.usage.completionTokens = 345;
    e.usage.cachedTokens = 1000;
    e.usage.cacheWriteTokens = 17;
    e.usage.reasoningTokens = 64;
    e.usage.estimated = true;
    e.costMicros = -1;
    e.images = 2;
    e.imageSize = QStringLiteral("1024x1536");
    e.imageQuality = QStringLiteral("high");
    e.latencyMs = 2345;
    e.ttfbMs = 123;
    e.payload = QByteArray("{\"a\":1}\0binary\xff", 16);
    return e;
}

void expectSame(const RequestEvent& a, const RequestEvent& b) {
    EXPECT_EQ(a.kind, b.kind);
    EXPECT_EQ(a.requestId, b.requestId);
    EXPECT_EQ(a.timestampMs, b.timestampMs);
    EXPECT_EQ(a.method, b.method);
    EXPECT_EQ(a.path, b.path);
    EXPECT_EQ(a.keyId, b.keyId);
    EXPECT_EQ(a.keyName, b.keyName);
    EXPECT_EQ(a.model, b.model);
    EXPECT_EQ(a.provider, b.provider);
    EXPECT_EQ(a.upstreamModel, b.upstreamModel);
    EXPECT_EQ(a.stream, b.stream);
    EXPECT_EQ(a.status, b.status);
    EXPECT_EQ(a.errorCode, b.errorCode);
    EXPECT_EQ(a.attempts, b.attempts);
    EXPECT_EQ(a.usage.promptTokens, b.usage.promptTokens);
    EXPECT_EQ(a.usage.completionTokens, b.usage.completionTokens);
    EXPECT_EQ(a.usage.cachedTokens, b.usage.cachedTokens);
    EXPECT_EQ(a.usage.cacheWriteTokens, b.usage.cacheWriteTokens);
    EXPECT_EQ(a.usage.reasoningTokens, b.usage.reasoningTokens);
    EXPECT_EQ(a.usage.estimated, b.usage.estimated);
    EXPECT_EQ(a.costMicros, b.costMicros);
    EXPECT_EQ(a.images, b.images);
    EXPECT_EQ(a.imageSize, b.imageSize);
    EXPECT_EQ(a.imageQuality, b.imageQuality);
    EXPECT_EQ(a.latencyMs, b.latencyMs);
    EXPECT_EQ(a.ttfbMs, b.ttfbMs);
    EXPECT_EQ(a.payload, b.payload);
}

TEST(EventRecord, EveryFieldComesBackAsItWas) {
    const RequestEvent sent = everyFieldSet();
    std::vector<char> buffer;
    event_record::append(buffer, sent);
    EXPECT_EQ(event_record::recordSize(buffer.data(), 0), buffer.size());
    EXPECT_EQ(event_record::payloadSize(buffer.data(), 0), sent.payload.size());

    RequestEvent got;  // defaults everywhere: each field must be overwritten
    event_record::StringCache cache;
    EXPECT_EQ(event_record::read(buffer.data(), 0, got, cache), buffer.size());
    expectSame(got, sent);
}

TEST(EventRecord, RecordsFollowEachOtherAndEmptyFieldsStayEmpty) {
    const RequestEvent full = everyFieldSet();
    RequestEvent bare;  // a Started event of an unauthenticated request: almost nothing known
    bare.requestId = 7;
    bare.method = QStringLiteral("GET");
    std::vector<char> buffer;
    event_record::append(buffer, full);
    event_record::append(buffer, bare);
    event_record::append(buffer, full);

    event_record::StringCache cache;
    RequestEvent a, b, c;
    size_t at = event_record::read(buffer.data(), 0, a, cache);
    at = event_record::read(buffer.data(), at, b, cache);
    at = event_record::read(buffer.data(), at, c, cache);
    EXPECT_EQ(at, buffer.size());
    expectSame(a, full);
    expectSame(b, bare);
    expectSame(c, full);
    EXPECT_TRUE(b.model.isEmpty());
    EXPECT_TRUE(b.payload.isEmpty());
}

TEST(EventRecord, ARepeatedStringIsSharedNotCopiedAgain) {
    std::vector<char> buffer;
    RequestEvent e = everyFieldSet();
    event_record::append(buffer, e);
    e.model = QStringLiteral("gpt-4o-mini");
    event_record::append(buffer, e);

    event_record::StringCache cache;
    RequestEvent first, second;
    event_record::read(buffer.data(), event_record::read(buffer.data(), 0, first, cache), second, cache);
    EXPECT_TRUE(second.keyName.isSharedWith(first.keyName));
    EXPECT_TRUE(second.path.isSharedWith(first.path));
    EXPECT_EQ(first.model, QStringLiteral("gpt-image-1"));
    EXPECT_EQ(second.model, QStringLiteral("gpt-4o-mini")) << "a changed field is read, not taken from the cache";
}

}  // namespace
}  // namespace ar
