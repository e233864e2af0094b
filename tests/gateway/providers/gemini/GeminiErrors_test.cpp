// Google error envelopes -> OpenAI-shaped ApiError.

#include "GeminiTestSupport.h"
#include "providers/gemini/GeminiChatTranslator.h"
#include "providers/gemini/GeminiEmbeddingsTranslator.h"
#include "providers/gemini/GeminiWire.h"

namespace ar {
namespace {

using namespace gemini_test;

ApiError chatError(int status, const QByteArray& body) {
    return GeminiChatTranslator(provider()).translateError(status, body);
}

TEST(GeminiErrors, RateLimitWithRetryInfo) {
    const ApiError e = chatError(429, readData("error_429_resource_exhausted.json"));
    EXPECT_EQ(e.status, 429);
    EXPECT_EQ(e.type, "rate_limit_error");
    EXPECT_EQ(e.code, "resource_exhausted");
    EXPECT_EQ(e.message, "You exceeded your current quota. Please wait before retrying.");
    EXPECT_EQ(e.retryAfterSeconds, 35);  // "34.4s" rounded up
}

TEST(GeminiErrors, RateLimitWithoutRetryInfo) {
    const ApiError e = chatError(429, R"({"error": {"code": 429,"message": "Slow down","status": "RESOURCE_EXHAUSTED"}})");
    EXPECT_EQ(e.retryAfterSeconds, -1);
}

TEST(GeminiErrors, InvalidArgumentKeepsMessage) {
    const ApiError e = chatError(400,
        "{\n  \"error\": {\n    \"code\": 400,\n    \"message\": \"Penalty is not enabled for models/gemini-2.5-flash\",\n    \"status\": \"INVALID_ARGUMENT\"\n  }\n}\n");
    EXPECT_EQ(e.status, 400);
    EXPECT_EQ(e.type, "invalid_request_error");
    EXPECT_EQ(e.code, "invalid_argument");
    EXPECT_EQ(e.message, "Penalty is not enabled for models/gemini-2.5-flash");
    EXPECT_EQ(e.retryAfterSeconds, -1);
    // The client-facing JSON is OpenAI's envelope.
    const QJsonObject json = obj(e.toJson());
    EXPECT_EQ(json[u"error"][u"code"].toString(), "invalid_argument");
}

TEST(GeminiErrors, NotFound) {
    const ApiError e = chatError(404, R"({"error": {"code": 404,"message": "models/gemini-9 is not found for API version v1beta, or is not supported for generateContent.","status": "NOT_FOUND"}})");
    EXPECT_EQ(e.status, 404);
    EXPECT_EQ(e.type, "invalid_request_error");
    EXPECT_EQ(e.code, "not_found");
}

TEST(GeminiErrors, InvalidApiKeyIsAuthenticationErrorWithoutTheKey) {
    const QByteArray body =
        QByteArray(R"j({"error": {"code": 400,"message": "API key not valid (got )j") + kApiKey +
        R"j()","status": "INVALID_ARGUMENT","details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo","reason": "API_KEY_INVALID","domain": "googleapis.com"}]}})j";
    const ApiError e = chatError(400, body);
    EXPECT_EQ(e.status, 400);
    EXPECT_EQ(e.type, "authentication_error");
    EXPECT_EQ(e.code, "invalid_argument");
    EXPECT_FALSE(e.message.contains(QLatin1StringView(kApiKey)));
    EXPECT_FALSE(e.toJson().contains(kApiKey));
    EXPECT_EQ(e.message, "API key not valid (got [redacted])");
}

TEST(GeminiErrors, AuthAndServerStatuses) {
    EXPECT_EQ(chatError(401, R"({"error": {"code": 401,"message": "x","status": "UNAUTHENTICATED"}})").type,
              "authentication_error");
    const ApiError forbidden = chatError(403, R"({"error": {"code": 403,"message": "x","status": "PERMISSION_DENIED"}})");
    EXPECT_EQ(forbidden.type, "authentication_error");
    EXPECT_EQ(forbidden.code, "permission_denied");
    const ApiError unavailable = chatError(503, R"({"error": {"code": 503,"message": "The model is overloaded.","status": "UNAVAILABLE"}})");
    EXPECT_EQ(unavailable.status, 503);
    EXPECT_EQ(unavailable.type, "server_error");
    EXPECT_EQ(unavailable.code, "unavailable");
}

TEST(GeminiErrors, ArrayWrappedAndNonJsonBodies) {
    const ApiError wrapped = chatError(400, R"([{"error": {"code": 400,"message": "bad","status": "INVALID_ARGUMENT"}}])");
    EXPECT_EQ(wrapped.message, "bad");
    const ApiError html = chatError(502, "<html><body>Bad Gateway</body></html>");
    EXPECT_EQ(html.status, 502);
    EXPECT_EQ(html.message, "Gemini returned HTTP 502");
    EXPECT_EQ(html.type, "server_error");
    EXPECT_EQ(chatError(500, "").status, 500);
}

TEST(GeminiErrors, EmbeddingsUseTheSameMapping) {
    const ApiError e = GeminiEmbeddingsTranslator(provider()).translateError(
        400, R"({"error": {"code": 400,"message": "* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch\n","status": "INVALID_ARGUMENT"}})");
    EXPECT_EQ(e.code, "invalid_argument");
    EXPECT_TRUE(e.message.contains(QStringLiteral("at most 100 requests")));
}

TEST(GeminiErrors, RetryDelayParsing) {
    EXPECT_EQ(gemini::parseRetryDelay(QStringLiteral("34.4s")), 35);
    EXPECT_EQ(gemini::parseRetryDelay(QStringLiteral("58s")), 58);
    EXPECT_EQ(gemini::parseRetryDelay(QStringLiteral("0.2s")), 1);
    EXPECT_EQ(gemini::parseRetryDelay(QStringLiteral("0s")), 0);
    EXPECT_EQ(gemini::parseRetryDelay(QStringLiteral("soon")), -1);
    EXPECT_EQ(gemini::parseRetryDelay(QStringLiteral("12")), -1);
    EXPECT_EQ(gemini::parseRetryDelay(QString()), -1);
}

}  // namespace
}  // namespace ar
