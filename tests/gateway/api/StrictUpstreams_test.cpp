// The gateway's Anthropic and Gemini translations against fakes that reject malformed requests the
// way the real APIs do (tests/support/StrictAnthropic, StrictGemini), over real sockets: every
// OpenAI request below must come back 200, and a provider's own rejection must reach the client
// as an OpenAI-shaped error that keeps the provider's message.
#include <gtest/gtest.h>

#include <QJsonArray>
#include <QJsonDocument>

#include "support/FakeUpstream.h"
#include "support/GatewayHarness.h"
#include "support/StrictAnthropic.h"
#include "support/StrictGemini.h"
#include "support/TestClient.h"
#include "support/TestData.h"

namespace ar::test {
namespace {

const QByteArray kAnthropicKey = "sk-ant-strict-credential";
const QByteArray kGeminiKey = "AIza-strict-credential";

bool wantsStream(const HttpRequest& r) {
    return QJsonDocument::fromJson(r.body).object().value(QStringLiteral("stream")).toBool() ||
           r.path.endsWith(":streamGenerateContent");
}

// One gateway, one strict fake per provider, shared by all tests of this file.
class StrictUpstreams : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        qputenv("AR_TEST_STRICT_ANTHROPIC_KEY", kAnthropicKey);
        qputenv("AR_TEST_STRICT_GEMINI_KEY", kGeminiKey);
        qunsetenv("AR_TEST_STRICT_UNSET");
        anthropic = new FakeUpstream;
        gemini = new FakeUpstream;
        anthropic->setHandler(strictAnthropic(kAnthropicKey, [](const HttpRequest& r) {
            return wantsStream(r)
                       ? FakeResponse::sse(sseEvents(testData("anthropic/stream_text_2026.sse")))
                       : FakeResponse::json(200,
                                            testData("anthropic/message_text_cache_read.json"));
        }));
        gemini->setHandler(strictGemini(kGeminiKey, [](const HttpRequest& r) {
            if (r.path.endsWith(":batchEmbedContents"))
                return FakeResponse::json(200, testData("gemini/batch_embed_contents.json"),
                                          "application/json; charset=UTF-8");
            return wantsStream(r)
                       ? FakeResponse::sse(
                             sseEvents(testData("gemini/stream_text.sse"), "\r\n\r\n"), 0, false,
                             "text/event-stream")
                       : FakeResponse::json(
                             200, testData("gemini/generate_content_cached_and_thoughts.json"),
                             "application/json; charset=UTF-8");
        }));
        const QByteArray a = anthropic->baseUrl().toUtf8();
        const QByteArray g = gemini->baseUrl().toUtf8() + "beta";
        gateway = new GatewayHarness(R"({"server":{"port":0},"routing":{"max_rounds":1},
          "providers":[
            {"id":"claude","type":"anthropic","base_url":")" +
                                     a + R"(","api_key_env":"AR_TEST_STRICT_ANTHROPIC_KEY"},
            {"id":"claude-nokey","type":"anthropic","base_url":")" +
                                     a + R"(","api_key_env":"AR_TEST_STRICT_UNSET"},
            {"id":"google","type":"gemini","base_url":")" +
                                     g + R"(","api_key_env":"AR_TEST_STRICT_GEMINI_KEY"},
            {"id":"google-nokey","type":"gemini","base_url":")" +
                                     g + R"(","api_key_env":"AR_TEST_STRICT_UNSET"}],
          "routes":[
            {"model":"claude","targets":[{"provider":"claude","model":"claude-sonnet-4-5"}]},
            {"model":"claude-nokey","targets":[{"provider":"claude-nokey","model":"claude-sonnet-4-5"}]},
            {"model":"gemini","targets":[{"provider":"google","model":"gemini-2.5-flash"}]},
            {"model":"gemini-3","targets":[{"provider":"google","model":"gemini-3-pro-preview"}]},
            {"model":"gemini-embed","targets":[{"provider":"google","model":"gemini-embedding-001"}]},
            {"model":"gemini-nokey","targets":[{"provider":"google-nokey","model":"gemini-2.5-flash"}]}]})");
    }

    static void TearDownTestSuite() {
        delete gateway;
        delete anthropic;
        delete gemini;
    }

    static ClientResponse post(const QByteArray& path, const QByteArray& body) {
        TestClient c(gateway->port());
        return c.request("POST", path, body, bearer(gateway->key()));
    }

    static inline FakeUpstream* anthropic = nullptr;
    static inline FakeUpstream* gemini = nullptr;
    static inline GatewayHarness* gateway = nullptr;
};

// ---- translations the real APIs accept
// -----------------------------------------------------------

struct AcceptedCase {
    const char* name;
    const char* body;  // an OpenAI chat request
};

void PrintTo(const AcceptedCase& c, std::ostream* os) { *os << c.name; }

// Conversations shaped the way clients really send them; each one is a translation that a strict
// upstream would reject if the gateway got a wire-format fact wrong.
const char kToolRoundTrip[] = R"("messages":[
    {"role":"user","content":"Weather in Paris and time in Tokyo?"},
    {"role":"assistant","content":null,"tool_calls":[
        {"id":"call_w","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
        {"id":"call_t","type":"function","function":{"name":"get_time","arguments":""}}]},
    {"role":"tool","tool_call_id":"call_w","content":"{\"temperature\":18}"},
    {"role":"tool","tool_call_id":"call_t","content":[{"type":"text","text":"09:00"}]},
    {"role":"user","content":"Thanks! Anything else?"}],
  "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}},
           {"type":"function","function":{"name":"get_time"}}])";

QByteArray chatBody(const char* model, const char* rest) {
    return QByteArray(R"({"model":")") + model + "\"," + rest + "}";
}

const AcceptedCase kAnthropicAccepts[] = {
    {"SystemAndDeveloperAnywhere",
     R"("messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"},
        {"role":"developer","content":"Answer in French."},{"role":"user","content":"Again"}])"},
    {"ConsecutiveUserMessages",
     R"("messages":[{"role":"user","content":"One"},{"role":"user","content":[{"type":"text","text":"Two"}]}])"},
    {"ParallelToolRoundTrip", kToolRoundTrip},
    {"ImagesAsDataUriAndUrl",
     R"("messages":[{"role":"user","content":[{"type":"text","text":"Compare"},
        {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},
        {"type":"image_url","image_url":{"url":"https://example.com/cat.jpg","detail":"low"}}]}])"},
    {"TemperatureAboveOneAndWhitespaceStop", R"("temperature":1.8,"stop":["\n","END"," "],
        "messages":[{"role":"user","content":"Hi"}])"},
    {"NoMaxTokensAtAll", R"("messages":[{"role":"user","content":"Hi"}])"},
    {"MaxCompletionTokens",
     R"("max_completion_tokens":50,"max_tokens":9,"messages":[{"role":"user","content":"Hi"}])"},
    {"ReasoningWithSmallMaxTokensAndTemperature",
     R"("reasoning_effort":"high","max_tokens":100,"temperature":0.3,"top_p":0.9,
        "messages":[{"role":"user","content":"Think"}])"},
    {"ToolChoiceRequiredWithoutParallel", R"("tool_choice":"required","parallel_tool_calls":false,
        "tools":[{"type":"function","function":{"name":"f"}}],"messages":[{"role":"user","content":"Go"}])"},
    {"ToolChoiceNamed", R"("tool_choice":{"type":"function","function":{"name":"f"}},
        "tools":[{"type":"function","function":{"name":"f","description":"d","parameters":{"type":"object","properties":{}}}}],
        "messages":[{"role":"user","content":"Go"}])"},
    {"ToolChoiceWithoutTools",
     R"("tool_choice":"auto","messages":[{"role":"user","content":"Go"}])"},
    {"AssistantPrefillLast",
     R"("messages":[{"role":"user","content":"Count"},{"role":"assistant","content":"1, 2,"}])"},
    {"EmptyAssistantTextBesideToolCalls", R"("messages":[{"role":"user","content":"Go"},
        {"role":"assistant","content":"","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},
        {"role":"tool","tool_call_id":"c1","content":""}],"tools":[{"type":"function","function":{"name":"f"}}])"},
    {"ThinkingReplayedBeforeToolUse",
     R"("reasoning_effort":"low","messages":[{"role":"user","content":"Go"},
        {"role":"assistant","content":"Calling.","reasoning_content":"I should call f.","reasoning_signature":"sig-abc",
         "tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},
        {"role":"tool","tool_call_id":"c1","content":"done"}],"tools":[{"type":"function","function":{"name":"f"}}])"},
    {"ResponseFormatJsonSchema",
     R"("response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{"type":"object"}}},
        "messages":[{"role":"user","content":"JSON please"}])"},
    {"ResponseFormatJsonObjectAndUser", R"("response_format":{"type":"json_object"},"user":"u-1",
        "messages":[{"role":"user","content":"JSON please"}])"},
    {"Streamed",
     R"("stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hi"}])"},
};

class AnthropicAccepts : public StrictUpstreams,
                         public ::testing::WithParamInterface<AcceptedCase> {};

TEST_P(AnthropicAccepts, TranslationPassesAnthropicsChecks) {
    const int before = anthropic->requestCount();
    const ClientResponse r = post("/v1/chat/completions", chatBody("claude", GetParam().body));
    EXPECT_EQ(r.status, 200) << r.body.constData()
                             << "\nsent: " << anthropic->requests().last().body.constData();
    EXPECT_EQ(anthropic->requestCount(), before + 1);
}

INSTANTIATE_TEST_SUITE_P(All, AnthropicAccepts, ::testing::ValuesIn(kAnthropicAccepts),
                         [](const auto& info) { return std::string(info.param.name); });

const AcceptedCase kGeminiAccepts[] = {
    {"SystemAndDeveloper",
     R"("messages":[{"role":"system","content":"Be brief."},{"role":"developer","content":"French."},
        {"role":"user","content":"Hi"}])"},
    {"ParallelToolRoundTrip", kToolRoundTrip},
    {"ToolChoiceNamed", R"("tool_choice":{"type":"function","function":{"name":"f"}},
        "tools":[{"type":"function","function":{"name":"f","parameters":{"$schema":"http://json-schema.org/draft-07/schema#",
            "type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false}}}],
        "messages":[{"role":"user","content":"Go"}])"},
    {"ToolChoiceNone",
     R"("tool_choice":"none","tools":[{"type":"function","function":{"name":"f"}}],
        "messages":[{"role":"user","content":"Go"}])"},
    {"ImagesAsDataUriAndUrl",
     R"("messages":[{"role":"user","content":[{"type":"text","text":"Compare"},
        {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},
        {"type":"image_url","image_url":{"url":"https://example.com/cat.webp"}}]}])"},
    {"GenerationSettings",
     R"("temperature":1.5,"top_p":0.9,"max_completion_tokens":64,"n":2,"seed":7,"stop":"END",
        "messages":[{"role":"user","content":"Hi"}])"},
    {"ResponseFormatJsonSchema",
     R"("response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{"type":"object",
        "properties":{"a":{"type":"integer"}}}}},"messages":[{"role":"user","content":"JSON please"}])"},
    {"ReasoningEffort",
     R"("reasoning_effort":"medium","messages":[{"role":"user","content":"Think"}])"},
    {"EmptyContentsSkipped",
     R"("messages":[{"role":"user","content":""},{"role":"assistant","content":"Hi"},
        {"role":"user","content":"Again"}])"},
    {"Streamed", R"("stream":true,"messages":[{"role":"user","content":"Hi"}])"},
};

class GeminiAccepts : public StrictUpstreams, public ::testing::WithParamInterface<AcceptedCase> {};

TEST_P(GeminiAccepts, TranslationPassesGooglesChecks) {
    const int before = gemini->requestCount();
    const ClientResponse r = post("/v1/chat/completions", chatBody("gemini", GetParam().body));
    EXPECT_EQ(r.status, 200) << r.body.constData()
                             << "\nsent: " << gemini->requests().last().body.constData();
    EXPECT_EQ(gemini->requestCount(), before + 1);
}

INSTANTIATE_TEST_SUITE_P(All, GeminiAccepts, ::testing::ValuesIn(kGeminiAccepts),
                         [](const auto& info) { return std::string(info.param.name); });

TEST_F(StrictUpstreams, Gemini3ToolHistoryWithoutSignatureGetsThePlaceholder) {
    // History written by another model has no thought signature; Gemini 3 refuses such a turn
    // unless it carries the documented placeholder.
    const ClientResponse r = post("/v1/chat/completions", chatBody("gemini-3", kToolRoundTrip));
    EXPECT_EQ(r.status, 200) << r.body.constData();
}

TEST_F(StrictUpstreams, GeminiEmbeddingsBatchPassesGooglesChecks) {
    const ClientResponse r = post(
        "/v1/embeddings",
        R"({"model":"gemini-embed","input":["First text","Second text"],"dimensions":3,"encoding_format":"float"})");
    ASSERT_EQ(r.status, 200) << r.body.constData();
    EXPECT_EQ(r.json().value("data").toArray().size(), 2);
    EXPECT_EQ(r.json().value("usage")["prompt_tokens"].toInt(),
              6);  // the fixture's usageMetadata, not an estimate
}

// ---- the provider's own rejection reaches the client ------------------------------------------

struct RelayedCase {
    const char* name;
    const char* path;
    QByteArray body;
    int status;
    const char* type;
    const char* messageContains;  // the provider's words, kept
};

void PrintTo(const RelayedCase& c, std::ostream* os) { *os << c.name; }

const RelayedCase kRelayed[] = {
    {"AnthropicOrphanToolResult", "/v1/chat/completions",
     chatBody(
         "claude",
         R"("messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"Checking."},
        {"role":"tool","tool_call_id":"toolu_never","content":"x"}])"),
     400, "invalid_request_error",
     "unexpected `tool_use_id` found in `tool_result` blocks: toolu_never"},
    {"AnthropicUnansweredToolUse", "/v1/chat/completions",
     chatBody("claude", R"("messages":[{"role":"user","content":"hi"},
        {"role":"assistant","tool_calls":[{"id":"c9","type":"function","function":{"name":"f","arguments":"{}"}}]},
        {"role":"user","content":"never mind"}])"),
     400, "invalid_request_error",
     "`tool_use` ids were found without `tool_result` blocks immediately after: c9"},
    {"AnthropicWithoutCredential", "/v1/chat/completions",
     chatBody("claude-nokey", R"("messages":[{"role":"user","content":"hi"}])"), 401,
     "authentication_error", "x-api-key header is required"},
    {"GeminiPenalty", "/v1/chat/completions",
     chatBody("gemini", R"("presence_penalty":0.5,"messages":[{"role":"user","content":"hi"}])"),
     400, "invalid_request_error", "Penalty is not enabled for models/gemini-2.5-flash"},
    {"GeminiWithoutCredential", "/v1/chat/completions",
     chatBody("gemini-nokey", R"("messages":[{"role":"user","content":"hi"}])"), 403,
     "authentication_error", "Method doesn't allow unregistered callers"},
};

class Relayed : public StrictUpstreams, public ::testing::WithParamInterface<RelayedCase> {};

TEST_P(Relayed, AsAnOpenAiErrorKeepingTheProvidersMessage) {
    const RelayedCase& c = GetParam();
    const ClientResponse r = post(c.path, c.body);
    EXPECT_EQ(r.status, c.status) << r.body.constData();
    EXPECT_EQ(r.error("type"), c.type);
    EXPECT_TRUE(r.error("message").contains(QString::fromUtf8(c.messageContains)))
        << r.body.constData();
    const QJsonObject error = r.json().value("error").toObject();
    for (const char* field : {"message", "type", "param", "code"})
        EXPECT_TRUE(error.contains(QLatin1StringView(field))) << field;
    EXPECT_FALSE(r.body.contains(kAnthropicKey));
    EXPECT_FALSE(r.body.contains(kGeminiKey));
    // The gateway keeps serving.
    EXPECT_EQ(post("/v1/chat/completions",
                   chatBody("claude", R"("messages":[{"role":"user","content":"ok?"}])"))
                  .status,
              200);
}

INSTANTIATE_TEST_SUITE_P(All, Relayed, ::testing::ValuesIn(kRelayed),
                         [](const auto& info) { return std::string(info.param.name); });

// ---- the fakes themselves: each check fires (else the tests above could not fail) -------------

struct RejectedCase {
    const char* name;
    QByteArray path;
    QByteArray body;
    int status;
    const char* messageContains;
    bool withKey = true;
};

void PrintTo(const RejectedCase& c, std::ostream* os) { *os << c.name; }

HttpRequest nativeRequest(const RejectedCase& c, bool anthropicApi) {
    HttpRequest r;
    r.method = "POST";
    const qsizetype q = c.path.indexOf('?');
    r.path = q < 0 ? c.path : c.path.left(q);
    r.query = q < 0 ? QByteArray() : c.path.mid(q + 1);
    r.body = c.body;
    if (anthropicApi) {
        if (c.withKey) r.headers.append({"x-api-key", kAnthropicKey});
        r.headers.append({QByteArray("anthropic-version"), QByteArray("2023-06-01")});
    } else if (c.withKey) {
        r.headers.append({"x-goog-api-key", kGeminiKey});
    }
    return r;
}

const RejectedCase kAnthropicRejects[] = {
    {"MissingKey", "/v1/messages",
     R"({"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}]})", 401,
     "x-api-key header is required", false},
    {"MissingMaxTokens", "/v1/messages",
     R"({"model":"m","messages":[{"role":"user","content":"hi"}]})", 400,
     "max_tokens: Field required"},
    {"SystemRoleInMessages", "/v1/messages",
     R"({"model":"m","max_tokens":5,"messages":[{"role":"system","content":"x"},{"role":"user","content":"hi"}]})",
     400, "Unexpected role \\\"system\\\""},  // JSON-escaped in the body
    {"NonAlternatingRoles", "/v1/messages",
     R"({"model":"m","max_tokens":5,"messages":[{"role":"user","content":"a"},{"role":"user","content":"b"}]})",
     400, "roles must alternate"},
    {"ToolResultWithoutToolUse", "/v1/messages",
     R"({"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"x"}]}]})",
     400, "unexpected `tool_use_id`"},
    {"TemperatureAboveOne", "/v1/messages",
     R"({"model":"m","max_tokens":5,"temperature":1.5,"messages":[{"role":"user","content":"hi"}]})",
     400, "temperature: Input should be less than or equal to 1"},
    {"EmptyTextBlock", "/v1/messages",
     R"({"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"text","text":""}]}]})",
     400, "text content blocks must be non-empty"},
    {"UnknownField", "/v1/messages",
     R"({"model":"m","max_tokens":5,"n":2,"messages":[{"role":"user","content":"hi"}]})", 400,
     "n: Extra inputs are not permitted"},
    {"WhitespaceStopSequence", "/v1/messages",
     R"({"model":"m","max_tokens":5,"stop_sequences":["\n"],"messages":[{"role":"user","content":"hi"}]})",
     400, "stop_sequences"},
    {"ThinkingBudgetAboveMaxTokens", "/v1/messages",
     R"({"model":"m","max_tokens":100,"thinking":{"type":"enabled","budget_tokens":1024},"messages":[{"role":"user","content":"hi"}]})",
     400, "must be greater than `thinking.budget_tokens`"},
};

TEST(StrictAnthropicFake, RejectsWhatAnthropicRejects) {
    for (const RejectedCase& c : kAnthropicRejects) {
        const std::optional<FakeResponse> r =
            anthropicRejection(nativeRequest(c, true), kAnthropicKey);
        ASSERT_TRUE(r.has_value()) << c.name;
        const QByteArray bytes = r->steps.first().bytes;
        EXPECT_TRUE(bytes.startsWith("HTTP/1.1 " + QByteArray::number(c.status))) << c.name;
        EXPECT_TRUE(bytes.contains("\r\n\r\n{\"type\":\"error\",\"error\":{\"type\":\"")) << c.name;
        EXPECT_TRUE(bytes.contains(c.messageContains)) << c.name << ": " << bytes.constData();
    }
    const RejectedCase ok{
        "Accepted", "/v1/messages",
        R"({"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}]})", 200, ""};
    EXPECT_FALSE(anthropicRejection(nativeRequest(ok, true), kAnthropicKey).has_value());
}

const RejectedCase kGeminiRejects[] = {
    {"MissingKey", "/v1beta/models/gemini-2.5-flash:generateContent",
     R"({"contents":[{"role":"user","parts":[{"text":"hi"}]}]})", 403, "PERMISSION_DENIED", false},
    {"UnknownField", "/v1beta/models/gemini-2.5-flash:generateContent",
     R"({"contents":[{"role":"user","parts":[{"text":"hi"}]}],"generationConfig":{"max_tokens":5}})",
     400, "Unknown name \\\"max_tokens\\\" at 'generation_config': Cannot find field."},
    {"FunctionResponseWithoutName", "/v1beta/models/gemini-2.5-flash:generateContent",
     R"({"contents":[{"role":"user","parts":[{"text":"hi"}]},{"role":"model","parts":[{"functionCall":{"name":"f","args":{}}}]},
        {"role":"user","parts":[{"functionResponse":{"response":{"output":"x"}}}]}]})",
     400, "function_response.name: Name cannot be empty."},
    {"FunctionResponseNotAnObject", "/v1beta/models/gemini-2.5-flash:generateContent",
     R"({"contents":[{"role":"user","parts":[{"text":"hi"}]},{"role":"model","parts":[{"functionCall":{"name":"f","args":{}}}]},
        {"role":"user","parts":[{"functionResponse":{"name":"f","response":"x"}}]}]})",
     400, "google.protobuf.Struct"},
    {"BadRole", "/v1beta/models/gemini-2.5-flash:generateContent",
     R"({"contents":[{"role":"assistant","parts":[{"text":"hi"}]}]})", 400,
     "Please use a valid role: user, model."},
    {"Gemini3CallWithoutSignature", "/v1beta/models/gemini-3-pro-preview:generateContent",
     R"({"contents":[{"role":"user","parts":[{"text":"hi"}]},{"role":"model","parts":[{"functionCall":{"name":"f","args":{}}}]},
        {"role":"user","parts":[{"functionResponse":{"name":"f","response":{"output":"x"}}}]}]})",
     400, "thought_signature"},
    {"EmbedModelMismatch", "/v1beta/models/gemini-embedding-001:batchEmbedContents",
     R"({"requests":[{"model":"models/other","content":{"parts":[{"text":"a"}]}}]})", 400,
     "requests[0].model"},
};

TEST(StrictGeminiFake, RejectsWhatGoogleRejects) {
    for (const RejectedCase& c : kGeminiRejects) {
        const std::optional<FakeResponse> r = geminiRejection(nativeRequest(c, false), kGeminiKey);
        ASSERT_TRUE(r.has_value()) << c.name;
        const QByteArray bytes = r->steps.first().bytes;
        EXPECT_TRUE(bytes.startsWith("HTTP/1.1 " + QByteArray::number(c.status))) << c.name;
        EXPECT_TRUE(bytes.contains("\r\n\r\n{\n  \"error\": {\n    \"code\": " +
                                   QByteArray::number(c.status)))
            << c.name;
        EXPECT_TRUE(bytes.contains(c.messageContains)) << c.name << ": " << bytes.constData();
    }
    const RejectedCase ok{
        "Accepted", "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
        R"({"contents":[{"role":"user","parts":[{"text":"hi"}]}],"generation_config":{"temperature":1}})",
        200, ""};
    EXPECT_FALSE(geminiRejection(nativeRequest(ok, false), kGeminiKey).has_value());
}

}  // namespace
}  // namespace ar::test
