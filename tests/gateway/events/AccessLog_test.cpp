#include "events/AccessLog.h"

#include <gtest/gtest.h>

namespace ar {
namespace {

TEST(AccessLog, OneConciseLineWithKeyIdOnly) {
    RequestEvent e;
    e.kind = RequestEvent::Kind::Finished;
    e.timestampMs = 1790000000000;
    e.method = "POST";
    e.path = "/v1/chat/completions";
    e.keyId = "abc123";
    e.model = "gpt-4o-mini";
    e.provider = "openai";
    e.stream = true;
    e.status = 200;
    e.latencyMs = 840;
    e.ttfbMs = 120;
    e.usage.promptTokens = 21;
    e.usage.completionTokens = 3;
    e.payload = "{\"messages\":\"secret prompt\"}";
    const QByteArray line = AccessLog::formatLine(e);
    EXPECT_EQ(line,
              "2026-09-21T14:13:20.000Z 200 POST /v1/chat/completions key=abc123 model=gpt-4o-mini "
              "provider=openai stream=1 ms=840 ttfb_ms=120 tokens=21/3\n");
    EXPECT_FALSE(line.contains("secret prompt"));
}

TEST(AccessLog, MillisecondsAndSecondsStayExactAcrossLines) {
    RequestEvent e;
    e.method = "GET";
    e.path = "/v1/models";
    e.status = 200;
    const std::pair<qint64, const char*> cases[] = {{1790000000007, "2026-09-21T14:13:20.007Z "},
                                                    {1790000000999, "2026-09-21T14:13:20.999Z "},
                                                    {1790000001000, "2026-09-21T14:13:21.000Z "},
                                                    {1790000000050, "2026-09-21T14:13:20.050Z "}};
    for (const auto& [ms, prefix] : cases) {
        e.timestampMs = ms;
        EXPECT_TRUE(AccessLog::formatLine(e).startsWith(prefix)) << AccessLog::formatLine(e).constData();
    }
}

TEST(AccessLog, ErrorsShowTheirCode) {
    RequestEvent e;
    e.timestampMs = 0;
    e.method = "POST";
    e.path = "/v1/chat/completions";
    e.status = 401;
    e.latencyMs = 0;
    e.errorCode = "invalid_api_key";
    const QByteArray line = AccessLog::formatLine(e);
    EXPECT_TRUE(line.contains(" 401 ")) << line.constData();
    EXPECT_TRUE(line.contains("key=- ")) << line.constData();
    EXPECT_TRUE(line.endsWith("error=invalid_api_key\n")) << line.constData();
}

}  // namespace
}  // namespace ar
