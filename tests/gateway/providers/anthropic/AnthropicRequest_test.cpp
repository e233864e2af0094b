// OpenAI chat request -> Anthropic Messages request (AnthropicChatTranslator::buildRequest).
#include <gtest/gtest.h>

#include "AnthropicTestSupport.h"
#include "providers/anthropic/AnthropicChatTranslator.h"

namespace ar {
namespace {

using test::parseObject;

const QString kModel = QStringLiteral("claude-sonnet-4-5");

QJsonObject obj(const char* json) { return parseObject(QByteArray(json)); }
QJsonArray arr(const char* json) { return QJsonDocument::fromJson(json).array(); }

Result<UpstreamRequest> build(const QJsonObject& request,
                              const ProviderConfig& provider = test::anthropicProvider()) {
    AnthropicChatTranslator t(provider);
    return t.buildRequest(request, kModel);
}

// The Anthropic body for a request that must be accepted.
QJsonObject body(const QJsonObject& request) {
    auto r = build(request);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().toJson().toStdString());
    return r.ok() ? parseObject(r->body) : QJsonObject{};
}

// A request with one user message plus `extra` fields.
QJsonObject withUser(const QJsonObject& extra) {
    QJsonObject r = extra;
    r.insert(QStringLiteral("model"), QStringLiteral("claude"));
    if (!r.contains(QStringLiteral("messages"))) {
        r.insert(QStringLiteral("messages"), arr(R"([{"role":"user","content":"Hi"}])"));
    }
    return r;
}

QByteArray header(const UpstreamRequest& r, const QByteArray& name) {
    for (const auto& [k, v] : r.headers) {
        if (k.compare(name, Qt::CaseInsensitive) == 0) return v;
    }
    return {};
}

int headerCount(const UpstreamRequest& r, const QByteArray& name) {
    int n = 0;
    for (const auto& h : r.headers) n += h.first.compare(name, Qt::CaseInsensitive) == 0;
    return n;
}

TEST(AnthropicRequest, MinimalRequestUrlHeadersAndBody) {
    auto r = build(withUser({}));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->method, "POST");
    EXPECT_EQ(r->url, QUrl(QStringLiteral("https://api.anthropic.com/v1/messages")));
    EXPECT_FALSE(r->stream);
    EXPECT_EQ(header(*r, "x-api-key"), test::kTestApiKey);
    EXPECT_EQ(header(*r, "anthropic-version"), "2023-06-01");
    EXPECT_EQ(header(*r, "content-type"), "application/json");
    EXPECT_EQ(headerCount(*r, "authorization"), 0);
    EXPECT_EQ(parseObject(r->body), obj(R"({
        "model": "claude-sonnet-4-5",
        "max_tokens": 4096,
        "messages": [{"role": "user", "content": [{"type": "text", "text": "Hi"}]}]
    })"));
}

TEST(AnthropicRequest, BaseUrlVersionAndExtraHeadersComeFromTheProvider) {
    ProviderConfig p = test::anthropicProvider();
    p.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:8080/proxy/v1/"));
    p.apiVersion = QStringLiteral("2024-10-22");
    p.extraHeaders = {{"anthropic-beta", "prompt-caching-2024-07-31"}, {"X-Team", "blue"}};
    auto r = build(withUser({}), p);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->url, QUrl(QStringLiteral("http://127.0.0.1:8080/proxy/v1/messages")));
    EXPECT_EQ(header(*r, "anthropic-version"), "2024-10-22");
    EXPECT_EQ(header(*r, "anthropic-beta"), "prompt-caching-2024-07-31");
    EXPECT_EQ(header(*r, "x-team"), "blue");
    EXPECT_EQ(headerCount(*r, "anthropic-version"), 1);
}

TEST(AnthropicRequest, SystemAndDeveloperMessagesBecomeTopLevelSystem) {
    const QJsonObject b = body(withUser(obj(R"({"messages": [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Hi"},
        {"role": "developer", "content": [{"type": "text", "text": "Answer in French."}]}
    ]})")));
    EXPECT_EQ(b["system"], QJsonValue(QStringLiteral("Be brief.\n\nAnswer in French.")));
    EXPECT_EQ(b["messages"], QJsonValue(arr(R"([
        {"role": "user", "content": [{"type": "text", "text": "Hi"}]}
    ])")));
}

TEST(AnthropicRequest, SystemWithCacheControlStaysAsBlocks) {
    const QJsonObject b = body(withUser(obj(R"({"messages": [
        {"role": "system", "content": [
            {"type": "text", "text": "Long manual", "cache_control": {"type": "ephemeral"}}]},
        {"role": "system", "content": "Extra"},
        {"role": "user", "content": "Hi"}
    ]})")));
    EXPECT_EQ(b["system"], QJsonValue(arr(R"([
        {"type": "text", "text": "Long manual", "cache_control": {"type": "ephemeral"}},
        {"type": "text", "text": "Extra"}
    ])")));
}

struct MaxTokensCase {
    const char* extra;
    qint64 expected;
};

class AnthropicMaxTokens : public ::testing::TestWithParam<MaxTokensCase> {};

TEST_P(AnthropicMaxTokens, PrefersMaxCompletionTokensThenMaxTokensThenDefault) {
    EXPECT_EQ(body(withUser(obj(GetParam().extra)))["max_tokens"].toInteger(), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Table, AnthropicMaxTokens,
    ::testing::Values(MaxTokensCase{R"({"max_completion_tokens": 100, "max_tokens": 50})", 100},
                      MaxTokensCase{R"({"max_tokens": 50})", 50},
                      MaxTokensCase{R"({"max_completion_tokens": null, "max_tokens": 70})", 70},
                      MaxTokensCase{R"({})", 4096}));

struct TemperatureCase {
    double in;
    double out;
};

class AnthropicTemperature : public ::testing::TestWithParam<TemperatureCase> {};

TEST_P(AnthropicTemperature, IsClampedToZeroOneNotScaled) {
    QJsonObject r = withUser({});
    r.insert(QStringLiteral("temperature"), GetParam().in);
    EXPECT_DOUBLE_EQ(body(r)["temperature"].toDouble(), GetParam().out);
}

INSTANTIATE_TEST_SUITE_P(Table, AnthropicTemperature,
                         ::testing::Values(TemperatureCase{0.0, 0.0}, TemperatureCase{0.3, 0.3},
                                           TemperatureCase{0.7, 0.7}, TemperatureCase{1.0, 1.0},
                                           TemperatureCase{1.5, 1.0}, TemperatureCase{2.0, 1.0},
                                           TemperatureCase{-0.5, 0.0}));

TEST(AnthropicRequest, TopPPassesThroughAndAbsentSamplingIsAbsent) {
    EXPECT_DOUBLE_EQ(body(withUser(obj(R"({"top_p": 0.9})")))["top_p"].toDouble(), 0.9);
    const QJsonObject b = body(withUser({}));
    EXPECT_FALSE(b.contains(QStringLiteral("temperature")));
    EXPECT_FALSE(b.contains(QStringLiteral("top_p")));
    EXPECT_FALSE(b.contains(QStringLiteral("stop_sequences")));
}

struct StopCase {
    const char* extra;
    const char* expected;  // stop_sequences, or nullptr when absent
};

class AnthropicStop : public ::testing::TestWithParam<StopCase> {};

TEST_P(AnthropicStop, BecomesStopSequencesWithoutWhitespaceOnlyEntries) {
    const QJsonObject b = body(withUser(obj(GetParam().extra)));
    if (GetParam().expected) {
        EXPECT_EQ(b["stop_sequences"], QJsonValue(arr(GetParam().expected)));
    } else {
        EXPECT_FALSE(b.contains(QStringLiteral("stop_sequences"))) << GetParam().extra;
    }
}

INSTANTIATE_TEST_SUITE_P(
    Table, AnthropicStop,
    ::testing::Values(StopCase{R"({"stop": "END"})", R"(["END"])"},
                      StopCase{R"({"stop": ["a", " ", "\n", "b", "\t \n"]})", R"(["a", "b"])"},
                      StopCase{R"({"stop": " x "})", R"([" x "])"},
                      StopCase{R"({"stop": "  "})", nullptr}, StopCase{R"({"stop": []})", nullptr},
                      StopCase{R"({"stop": null})", nullptr}));

TEST(AnthropicRequest, ToolsMapParametersToInputSchema) {
    const QJsonObject b = body(withUser(obj(R"({"tools": [
        {"type": "function", "function": {"name": "get_forecast", "description": "Weather",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                           "required": ["city"]}}},
        {"type": "function", "function": {"name": "current_time"}}
    ]})")));
    EXPECT_EQ(b["tools"], QJsonValue(arr(R"([
        {"name": "get_forecast", "description": "Weather",
         "input_schema": {"type": "object", "properties": {"city": {"type": "string"}},
                          "required": ["city"]}},
        {"name": "current_time", "input_schema": {"type": "object", "properties": {}}}
    ])")));
    EXPECT_FALSE(b.contains(QStringLiteral("tool_choice")));
}

struct ToolChoiceCase {
    const char* extra;
    const char* expected;  // tool_choice, or nullptr when absent
};

class AnthropicToolChoice : public ::testing::TestWithParam<ToolChoiceCase> {};

TEST_P(AnthropicToolChoice, MapsChoiceAndParallelFlag) {
    QJsonObject r = withUser(obj(GetParam().extra));
    r.insert(QStringLiteral("tools"),
             arr(R"([{"type": "function", "function": {"name": "get_forecast"}}])"));
    const QJsonObject b = body(r);
    if (GetParam().expected) {
        EXPECT_EQ(b["tool_choice"], QJsonValue(obj(GetParam().expected))) << GetParam().extra;
    } else {
        EXPECT_FALSE(b.contains(QStringLiteral("tool_choice"))) << GetParam().extra;
    }
}

INSTANTIATE_TEST_SUITE_P(
    Table, AnthropicToolChoice,
    ::testing::Values(
        ToolChoiceCase{R"({})", nullptr},
        ToolChoiceCase{R"({"tool_choice": "auto"})", R"({"type": "auto"})"},
        ToolChoiceCase{R"({"tool_choice": "required"})", R"({"type": "any"})"},
        ToolChoiceCase{R"({"tool_choice": "none"})", R"({"type": "none"})"},
        ToolChoiceCase{
            R"({"tool_choice": {"type": "function", "function": {"name": "get_forecast"}}})",
            R"({"type": "tool", "name": "get_forecast"})"},
        ToolChoiceCase{R"({"parallel_tool_calls": true})", nullptr},
        ToolChoiceCase{R"({"parallel_tool_calls": false})",
                       R"({"type": "auto", "disable_parallel_tool_use": true})"},
        ToolChoiceCase{R"({"tool_choice": "auto", "parallel_tool_calls": false})",
                       R"({"type": "auto", "disable_parallel_tool_use": true})"},
        ToolChoiceCase{R"({"tool_choice": "required", "parallel_tool_calls": false})",
                       R"({"type": "any", "disable_parallel_tool_use": true})"},
        ToolChoiceCase{
            R"({"tool_choice": {"type": "function", "function": {"name": "get_forecast"}},
                "parallel_tool_calls": false})",
            R"({"type": "tool", "name": "get_forecast", "disable_parallel_tool_use": true})"},
        ToolChoiceCase{R"({"tool_choice": "none", "parallel_tool_calls": false})",
                       R"({"type": "none"})"}));

TEST(AnthropicRequest, ToolChoiceWithoutToolsIsNotSent) {
    const QJsonObject b =
        body(withUser(obj(R"({"tool_choice": "required", "parallel_tool_calls": false})")));
    EXPECT_FALSE(b.contains(QStringLiteral("tool_choice")));
    EXPECT_FALSE(b.contains(QStringLiteral("tools")));
}

TEST(AnthropicRequest, ToolCallsAndConsecutiveToolResults) {
    const QJsonObject b = body(withUser(obj(R"({"messages": [
        {"role": "user", "content": "Weather in Paris and Oslo? And the time?"},
        {"role": "assistant", "content": null, "tool_calls": [
            {"id": "call_1", "type": "function",
             "function": {"name": "get_forecast", "arguments": "{\"city\":\"Paris\"}"}},
            {"id": "call_2", "type": "function",
             "function": {"name": "get_forecast", "arguments": "{\"city\": \"Oslo\", \"days\": 2}"}},
            {"id": "call_3", "type": "function", "function": {"name": "current_time", "arguments": ""}}
        ]},
        {"role": "tool", "tool_call_id": "call_1", "content": "Sunny"},
        {"role": "tool", "tool_call_id": "call_2", "content": [{"type": "text", "text": "Snow"}]},
        {"role": "tool", "tool_call_id": "call_3", "content": "12:00"},
        {"role": "user", "content": "Thanks, summarise."}
    ]})")));
    EXPECT_EQ(b["messages"], QJsonValue(arr(R"([
        {"role": "user", "content": [{"type": "text", "text": "Weather in Paris and Oslo? And the time?"}]},
        {"role": "assistant", "content": [
            {"type": "tool_use", "id": "call_1", "name": "get_forecast", "input": {"city": "Paris"}},
            {"type": "tool_use", "id": "call_2", "name": "get_forecast", "input": {"city": "Oslo", "days": 2}},
            {"type": "tool_use", "id": "call_3", "name": "current_time", "input": {}}
        ]},
        {"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": "call_1", "content": "Sunny"},
            {"type": "tool_result", "tool_use_id": "call_2", "content": [{"type": "text", "text": "Snow"}]},
            {"type": "tool_result", "tool_use_id": "call_3", "content": "12:00"},
            {"type": "text", "text": "Thanks, summarise."}
        ]}
    ])")));
}

TEST(AnthropicRequest, AssistantTextComesBeforeItsToolUse) {
    const QJsonObject b = body(withUser(obj(R"({"messages": [
        {"role": "user", "content": "Go"},
        {"role": "assistant", "content": "Checking.", "tool_calls": [
            {"id": "call_9", "type": "function", "function": {"name": "f", "arguments": "{}"}}]},
        {"role": "tool", "tool_call_id": "call_9", "content": "done"}
    ]})")));
    EXPECT_EQ(b["messages"][1], QJsonValue(obj(R"({"role": "assistant", "content": [
        {"type": "text", "text": "Checking."},
        {"type": "tool_use", "id": "call_9", "name": "f", "input": {}}
    ]})")));
}

TEST(AnthropicRequest, ConsecutiveSameRoleMessagesAreMergedAndEmptyOnesSkipped) {
    const QJsonObject b = body(withUser(obj(R"({"messages": [
        {"role": "user", "content": "One"},
        {"role": "user", "content": [{"type": "text", "text": "Two"}]},
        {"role": "assistant", "content": ""},
        {"role": "user", "content": "Three"},
        {"role": "assistant", "content": "A"},
        {"role": "assistant", "content": "B"}
    ]})")));
    EXPECT_EQ(b["messages"], QJsonValue(arr(R"([
        {"role": "user", "content": [{"type": "text", "text": "One"}, {"type": "text", "text": "Two"},
                                     {"type": "text", "text": "Three"}]},
        {"role": "assistant", "content": [{"type": "text", "text": "A"}, {"type": "text", "text": "B"}]}
    ])")));
}

TEST(AnthropicRequest, ImagesFromDataUrisAndHttpUrls) {
    const QJsonObject b = body(withUser(obj(R"({"messages": [{"role": "user", "content": [
        {"type": "text", "text": "Compare"},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo=", "detail": "high"}},
        {"type": "image_url", "image_url": {"url": "https://example.com/cat.jpg"}}
    ]}]})")));
    EXPECT_EQ(b["messages"][0]["content"], QJsonValue(arr(R"([
        {"type": "text", "text": "Compare"},
        {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}},
        {"type": "image", "source": {"type": "url", "url": "https://example.com/cat.jpg"}}
    ])")));
}

TEST(AnthropicRequest, CacheControlOnContentPartsIsKept) {
    const QJsonObject b = body(withUser(obj(R"({"messages": [{"role": "user", "content": [
        {"type": "text", "text": "Big document", "cache_control": {"type": "ephemeral"}}
    ]}]})")));
    EXPECT_EQ(
        b["messages"][0]["content"][0],
        QJsonValue(obj(
            R"({"type": "text", "text": "Big document", "cache_control": {"type": "ephemeral"}})")));
}

struct EffortCase {
    const char* extra;
    int budget;  // 0: no thinking
    qint64 maxTokens;
};

class AnthropicReasoningEffort : public ::testing::TestWithParam<EffortCase> {};

TEST_P(AnthropicReasoningEffort, BecomesThinkingBudgetBelowMaxTokens) {
    const QJsonObject b = body(withUser(obj(GetParam().extra)));
    if (GetParam().budget == 0) {
        EXPECT_FALSE(b.contains(QStringLiteral("thinking")));
    } else {
        EXPECT_EQ(b["thinking"],
                  QJsonValue(QJsonObject{{QStringLiteral("type"), QStringLiteral("enabled")},
                                         {QStringLiteral("budget_tokens"), GetParam().budget}}));
        EXPECT_GT(b["max_tokens"].toInteger(), GetParam().budget);
    }
    EXPECT_EQ(b["max_tokens"].toInteger(), GetParam().maxTokens);
}

INSTANTIATE_TEST_SUITE_P(
    Table, AnthropicReasoningEffort,
    ::testing::Values(
        EffortCase{R"({"reasoning_effort": "low"})", 1024, 4096},
        EffortCase{R"({"reasoning_effort": "medium"})", 4096, 8192},
        EffortCase{R"({"reasoning_effort": "high"})", 16384, 20480},
        EffortCase{R"({"reasoning_effort": "high", "max_completion_tokens": 32000})", 16384, 32000},
        EffortCase{R"({"reasoning_effort": "medium", "max_tokens": 500})", 4096, 4596},
        EffortCase{R"({"reasoning_effort": "none"})", 0, 4096}));

TEST(AnthropicRequest, ThinkingDropsTemperatureAndTopP) {
    const QJsonObject b =
        body(withUser(obj(R"({"reasoning_effort": "low", "temperature": 0.2, "top_p": 0.5})")));
    EXPECT_TRUE(b.contains(QStringLiteral("thinking")));
    EXPECT_FALSE(b.contains(QStringLiteral("temperature")));
    EXPECT_FALSE(b.contains(QStringLiteral("top_p")));
}

TEST(AnthropicRequest, ReasoningContentWithSignatureIsReplayedFirst) {
    const QJsonObject b = body(withUser(obj(R"({"messages": [
        {"role": "user", "content": "Weather?"},
        {"role": "assistant", "content": "Let me look.",
         "reasoning_content": "Need the forecast tool.", "reasoning_signature": "EqQBsig==",
         "tool_calls": [{"id": "toolu_1", "type": "function",
                         "function": {"name": "get_forecast", "arguments": "{\"city\":\"Rome\"}"}}]},
        {"role": "tool", "tool_call_id": "toolu_1", "content": "Warm"}
    ]})")));
    EXPECT_EQ(b["messages"][1]["content"], QJsonValue(arr(R"([
        {"type": "thinking", "thinking": "Need the forecast tool.", "signature": "EqQBsig=="},
        {"type": "text", "text": "Let me look."},
        {"type": "tool_use", "id": "toolu_1", "name": "get_forecast", "input": {"city": "Rome"}}
    ])")));
}

TEST(AnthropicRequest, ThinkingBlocksListIsReplayedFirstIncludingRedacted) {
    const QJsonObject b = body(withUser(obj(R"({"messages": [
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello.",
         "reasoning_content": "ignored when thinking_blocks is given",
         "thinking_blocks": [
            {"type": "thinking", "thinking": "Greet back.", "signature": "sigA"},
            {"type": "redacted_thinking", "data": "opaque"}]},
        {"role": "user", "content": "Again"}
    ]})")));
    EXPECT_EQ(b["messages"][1]["content"], QJsonValue(arr(R"([
        {"type": "thinking", "thinking": "Greet back.", "signature": "sigA"},
        {"type": "redacted_thinking", "data": "opaque"},
        {"type": "text", "text": "Hello."}
    ])")));
}

TEST(AnthropicRequest, UnsignedThinkingIsDroppedBecauseAnthropicWouldRejectIt) {
    const QJsonObject b = body(withUser(obj(R"({"messages": [
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello.", "reasoning_content": "from another provider"},
        {"role": "user", "content": "Again"}
    ]})")));
    EXPECT_EQ(b["messages"][1]["content"],
              QJsonValue(arr(R"([{"type": "text", "text": "Hello."}])")));
}

TEST(AnthropicRequest, JsonSchemaResponseFormatBecomesOutputFormatWithBeta) {
    auto r = build(withUser(obj(R"({"response_format": {"type": "json_schema", "json_schema": {
        "name": "person", "strict": true,
        "schema": {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}}}})")));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(parseObject(r->body)["output_format"], QJsonValue(obj(R"({"type": "json_schema",
        "schema": {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}})")));
    EXPECT_EQ(header(*r, "anthropic-beta"), "structured-outputs-2025-11-13");
}

TEST(AnthropicRequest, StructuredOutputsBetaJoinsConfiguredBetas) {
    ProviderConfig p = test::anthropicProvider();
    p.extraHeaders = {{"anthropic-beta", "prompt-caching-2024-07-31"}};
    auto r = build(withUser(obj(R"({"response_format": {"type": "json_schema",
        "json_schema": {"name": "x", "schema": {"type": "object"}}}})")),
                   p);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(header(*r, "anthropic-beta"),
              "prompt-caching-2024-07-31,structured-outputs-2025-11-13");
    EXPECT_EQ(headerCount(*r, "anthropic-beta"), 1);
}

TEST(AnthropicRequest, JsonObjectResponseFormatAddsASystemInstruction) {
    const QJsonObject b = body(withUser(obj(R"({"response_format": {"type": "json_object"},
        "messages": [{"role": "system", "content": "You extract data."},
                     {"role": "user", "content": "Alice is 30"}]})")));
    const QString system = b["system"].toString();
    EXPECT_TRUE(system.startsWith(QStringLiteral("You extract data.\n\n"))) << system.toStdString();
    EXPECT_TRUE(system.contains(QStringLiteral("JSON"))) << system.toStdString();
    EXPECT_FALSE(b.contains(QStringLiteral("output_format")));

    const QJsonObject noSystem =
        body(withUser(obj(R"({"response_format": {"type": "json_object"}})")));
    EXPECT_TRUE(noSystem["system"].toString().contains(QStringLiteral("JSON")));
    EXPECT_FALSE(body(withUser(obj(R"({"response_format": {"type": "text"}})")))
                     .contains(QStringLiteral("system")));
}

TEST(AnthropicRequest, UserBecomesMetadataUserId) {
    EXPECT_EQ(body(withUser(obj(R"({"user": "user-42"})")))["metadata"],
              QJsonValue(obj(R"({"user_id": "user-42"})")));
}

TEST(AnthropicRequest, StreamFlag) {
    auto r = build(withUser(obj(R"({"stream": true, "stream_options": {"include_usage": true}})")));
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->stream);
    const QJsonObject b = parseObject(r->body);
    EXPECT_EQ(b["stream"], QJsonValue(true));
    EXPECT_FALSE(b.contains(QStringLiteral("stream_options")));
    EXPECT_FALSE(body(withUser(obj(R"({"stream": false})"))).contains(QStringLiteral("stream")));
}

TEST(AnthropicRequest, OpenAiOnlyParametersAreDroppedSilently) {
    const QJsonObject b = body(withUser(obj(R"({
        "frequency_penalty": 0.5, "presence_penalty": 0.1, "logprobs": true, "top_logprobs": 3,
        "seed": 7, "logit_bias": {"50256": -100}, "n": 1, "service_tier": "auto", "store": true
    })")));
    EXPECT_EQ(b, obj(R"({
        "model": "claude-sonnet-4-5", "max_tokens": 4096,
        "messages": [{"role": "user", "content": [{"type": "text", "text": "Hi"}]}]
    })"));
}

struct BadRequestCase {
    const char* name;
    const char* request;
    const char* param;
};

void PrintTo(const BadRequestCase& c, std::ostream* os) { *os << c.name; }

class AnthropicBadRequest : public ::testing::TestWithParam<BadRequestCase> {};

TEST_P(AnthropicBadRequest, IsA400NamingTheParameter) {
    auto r = build(obj(GetParam().request));
    ASSERT_FALSE(r.ok()) << GetParam().name;
    EXPECT_EQ(r.error().status, 400);
    EXPECT_EQ(r.error().type, QStringLiteral("invalid_request_error"));
    EXPECT_EQ(r.error().param, QString::fromUtf8(GetParam().param));
    EXPECT_FALSE(r.error().message.isEmpty());
}

INSTANTIATE_TEST_SUITE_P(
    Table, AnthropicBadRequest,
    ::testing::Values(
        BadRequestCase{"messages_missing", R"({"model": "m"})", "messages"},
        BadRequestCase{"messages_not_array", R"({"messages": "hi"})", "messages"},
        BadRequestCase{"message_not_object", R"({"messages": ["hi"]})", "messages[0]"},
        BadRequestCase{"only_system", R"({"messages": [{"role": "system", "content": "x"}]})",
                       "messages"},
        BadRequestCase{"unknown_role", R"({"messages": [{"role": "function", "content": "x"}]})",
                       "messages[0].role"},
        BadRequestCase{"audio_part",
                       R"({"messages": [{"role": "user", "content": [{"type": "text", "text": "a"},
                           {"type": "input_audio", "input_audio": {"data": "AA", "format": "wav"}}]}]})",
                       "messages[0].content[1].type"},
        BadRequestCase{"content_number", R"({"messages": [{"role": "user", "content": 5}]})",
                       "messages[0].content"},
        BadRequestCase{"image_in_system",
                       R"({"messages": [{"role": "system", "content": [{"type": "image_url",
                           "image_url": {"url": "https://x/y.png"}}]}, {"role": "user", "content": "a"}]})",
                       "messages[0].content[0].type"},
        BadRequestCase{"image_bad_scheme",
                       R"({"messages": [{"role": "user", "content": [{"type": "image_url",
                           "image_url": {"url": "file:///etc/passwd"}}]}]})",
                       "messages[0].content[0].image_url.url"},
        BadRequestCase{"image_data_not_base64",
                       R"({"messages": [{"role": "user", "content": [{"type": "image_url",
                           "image_url": {"url": "data:image/png,abc"}}]}]})",
                       "messages[0].content[0].image_url.url"},
        BadRequestCase{"n_2", R"({"n": 2, "messages": [{"role": "user", "content": "a"}]})", "n"},
        BadRequestCase{"tool_message_without_id",
                       R"({"messages": [{"role": "tool", "content": "a"}]})",
                       "messages[0].tool_call_id"},
        BadRequestCase{
            "tool_call_bad_arguments",
            R"({"messages": [{"role": "assistant", "tool_calls": [{"id": "c", "type": "function",
                           "function": {"name": "f", "arguments": "{not json"}}]}]})",
            "messages[0].tool_calls[0].function.arguments"},
        BadRequestCase{
            "tool_call_array_arguments",
            R"({"messages": [{"role": "assistant", "tool_calls": [{"id": "c", "type": "function",
                           "function": {"name": "f", "arguments": "[1]"}}]}]})",
            "messages[0].tool_calls[0].function.arguments"},
        BadRequestCase{"tool_call_without_id",
                       R"({"messages": [{"role": "assistant", "tool_calls": [{"type": "function",
                           "function": {"name": "f", "arguments": "{}"}}]}]})",
                       "messages[0].tool_calls[0]"},
        BadRequestCase{"max_tokens_zero",
                       R"({"max_tokens": 0, "messages": [{"role": "user", "content": "a"}]})",
                       "max_tokens"},
        BadRequestCase{
            "max_completion_tokens_fraction",
            R"({"max_completion_tokens": 1.5, "messages": [{"role": "user", "content": "a"}]})",
            "max_completion_tokens"},
        BadRequestCase{"temperature_string",
                       R"({"temperature": "hot", "messages": [{"role": "user", "content": "a"}]})",
                       "temperature"},
        BadRequestCase{"stop_number",
                       R"({"stop": 5, "messages": [{"role": "user", "content": "a"}]})", "stop"},
        BadRequestCase{"tools_not_array",
                       R"({"tools": {}, "messages": [{"role": "user", "content": "a"}]})", "tools"},
        BadRequestCase{"tool_type_custom",
                       R"({"tools": [{"type": "custom", "custom": {"name": "x"}}],
                           "messages": [{"role": "user", "content": "a"}]})",
                       "tools[0].type"},
        BadRequestCase{"tool_without_name",
                       R"({"tools": [{"type": "function", "function": {}}],
                           "messages": [{"role": "user", "content": "a"}]})",
                       "tools[0].function.name"},
        BadRequestCase{
            "tool_choice_unknown",
            R"({"tool_choice": "sometimes", "tools": [{"type": "function", "function": {"name": "f"}}],
                           "messages": [{"role": "user", "content": "a"}]})",
            "tool_choice"},
        BadRequestCase{
            "reasoning_effort_unknown",
            R"({"reasoning_effort": "extreme", "messages": [{"role": "user", "content": "a"}]})",
            "reasoning_effort"},
        BadRequestCase{"json_schema_without_schema",
                       R"({"response_format": {"type": "json_schema", "json_schema": {"name": "x"}},
                           "messages": [{"role": "user", "content": "a"}]})",
                       "response_format.json_schema.schema"},
        BadRequestCase{
            "response_format_unknown",
            R"({"response_format": {"type": "yaml"}, "messages": [{"role": "user", "content": "a"}]})",
            "response_format"},
        BadRequestCase{"thinking_blocks_bad_type",
                       R"({"messages": [{"role": "assistant", "content": "a",
                           "thinking_blocks": [{"type": "text", "text": "x"}]}]})",
                       "messages[0].thinking_blocks"}),
    [](const ::testing::TestParamInfo<BadRequestCase>& info) {
        return std::string(info.param.name);
    });

}  // namespace
}  // namespace ar
