// Anthropic non-2xx answers -> OpenAI-shaped errors (AnthropicChatTranslator::translateError).
#include <gtest/gtest.h>

#include "AnthropicTestSupport.h"
#include "providers/anthropic/AnthropicChatTranslator.h"

namespace ar {
namespace {

struct ErrorCase {
    const char* name;
    int upstreamStatus;
    const char* body;
    int status;
    const char* type;
    const char* code;  // "" -> null
    const char* message;
};

void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.name; }

class AnthropicTranslateError : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(AnthropicTranslateError, KeepsStatusTypeAndMessage) {
    const ErrorCase& c = GetParam();
    AnthropicChatTranslator t(test::anthropicProvider());
    const ApiError e = t.translateError(c.upstreamStatus, QByteArray(c.body));
    EXPECT_EQ(e.status, c.status);
    EXPECT_EQ(e.type, QString::fromUtf8(c.type));
    EXPECT_EQ(e.code, QString::fromUtf8(c.code));
    EXPECT_EQ(e.message, QString::fromUtf8(c.message));
    EXPECT_TRUE(e.param.isEmpty());
    // The client body is OpenAI's envelope.
    const QJsonObject json = test::parseObject(e.toJson());
    EXPECT_EQ(json["error"]["message"], QJsonValue(e.message));
    EXPECT_EQ(json["error"]["type"], QJsonValue(e.type));
}

INSTANTIATE_TEST_SUITE_P(
    Table, AnthropicTranslateError,
    ::testing::Values(
        ErrorCase{
            "invalid_request_2026_shape", 400,
            R"({"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 210000 tokens > 200000 maximum"},"request_id":"req_011TestAaaa"})",
            400, "invalid_request_error", "invalid_request_error",
            "prompt is too long: 210000 tokens > 200000 maximum"},
        ErrorCase{
            "authentication_2024_shape", 401,
            R"({"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}})",
            401, "authentication_error", "authentication_error", "invalid x-api-key"},
        ErrorCase{"permission", 403,
                  R"({"type":"error","error":{"type":"permission_error","message":"no access"}})",
                  403, "permission_error", "permission_error", "no access"},
        ErrorCase{
            "not_found_sorted_keys", 404,
            R"({"error": {"message": "model: claude-sonet-9", "type": "not_found_error"}, "request_id": "req_011TestBbbb", "type": "error"})",
            404, "not_found_error", "not_found_error", "model: claude-sonet-9"},
        ErrorCase{
            "rate_limit", 429,
            R"({"type":"error","error":{"type":"rate_limit_error","message":"Number of request tokens has exceeded your per-minute rate limit"}})",
            429, "rate_limit_error", "rate_limit_error",
            "Number of request tokens has exceeded your per-minute rate limit"},
        ErrorCase{
            "api_error", 500,
            R"({"type":"error","error":{"type":"api_error","message":"Internal server error"}})",
            500, "api_error", "api_error", "Internal server error"},
        ErrorCase{"overloaded_529_becomes_503", 529,
                  R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})",
                  503, "overloaded_error", "overloaded_error", "Overloaded"},
        ErrorCase{"html_from_a_proxy", 502, "<html><body>Bad gateway</body></html>", 502,
                  "upstream_error", "", "Anthropic returned HTTP 502 without a readable error."},
        ErrorCase{"empty_body_529", 529, "", 503, "upstream_error", "",
                  "Anthropic returned HTTP 529 without a readable error."},
        ErrorCase{"json_without_envelope", 400, R"({"detail":"nope"})", 400, "upstream_error", "",
                  "Anthropic returned HTTP 400 without a readable error."}),
    [](const ::testing::TestParamInfo<ErrorCase>& info) { return std::string(info.param.name); });

TEST(AnthropicTranslateError, NeverEchoesTheApiKey) {
    AnthropicChatTranslator t(test::anthropicProvider());
    const QByteArray body =
        QByteArray(
            R"({"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key )") +
        test::kTestApiKey + R"("}})";
    const ApiError e = t.translateError(401, body);
    EXPECT_EQ(e.status, 401);
    EXPECT_FALSE(e.message.contains(QString::fromLatin1(test::kTestApiKey)))
        << e.message.toStdString();
    EXPECT_FALSE(e.toJson().contains(test::kTestApiKey));
    EXPECT_TRUE(e.message.startsWith(QStringLiteral("invalid x-api-key")));
}

}  // namespace
}  // namespace ar
