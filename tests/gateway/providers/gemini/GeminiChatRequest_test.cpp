// OpenAI chat request -> Gemini generateContent request.

#include <QUrlQuery>

#include "GeminiTestSupport.h"
#include "providers/gemini/GeminiChatTranslator.h"

namespace ar {
namespace {

using namespace gemini_test;

// Builds and returns the Gemini body; fails the test on an error.
QJsonObject body(const char* request, const QString& model = QStringLiteral("gemini-2.5-flash")) {
    GeminiChatTranslator t(provider());
    Result<UpstreamRequest> r = t.buildRequest(obj(request), model);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message.toStdString());
    return r.ok() ? obj(r->body) : QJsonObject();
}

ApiError error(const char* request, const QString& model = QStringLiteral("gemini-2.5-flash")) {
    GeminiChatTranslator t(provider());
    Result<UpstreamRequest> r = t.buildRequest(obj(request), model);
    EXPECT_FALSE(r.ok());
    return r.ok() ? ApiError{} : r.error();
}

QJsonObject firstPart(const QJsonObject& body, int content = 0) {
    return body[u"contents"].toArray().at(content)[u"parts"].toArray().at(0).toObject();
}

// ---- URL and headers -------------------------------------------------------------------------

TEST(GeminiChatRequest, UrlHeadersAndKeyOnlyInHeader) {
    GeminiChatTranslator t(provider());
    Result<UpstreamRequest> r =
        t.buildRequest(obj(R"({"model":"x","messages":[{"role":"user","content":"hi"}]})"),
                       QStringLiteral("gemini-2.5-flash"));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->method, "POST");
    EXPECT_FALSE(r->stream);
    EXPECT_EQ(r->url.toString(),
              "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent");
    EXPECT_EQ(header(*r, "x-goog-api-key"), kApiKey);
    EXPECT_EQ(header(*r, "content-type"), "application/json");
    EXPECT_EQ(header(*r, "x-goog-user-project"), "demo-project");
    EXPECT_FALSE(r->url.toString().contains(QLatin1StringView(kApiKey)));
    EXPECT_FALSE(r->body.contains(kApiKey));
}

TEST(GeminiChatRequest, StreamUsesAltSse) {
    GeminiChatTranslator t(provider());
    Result<UpstreamRequest> r = t.buildRequest(
        obj(R"({"stream":true,"messages":[{"role":"user","content":"hi"}]})"),
        QStringLiteral("gemini-3-pro-preview"));
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->stream);
    EXPECT_EQ(r->url.path(), "/v1beta/models/gemini-3-pro-preview:streamGenerateContent");
    EXPECT_EQ(QUrlQuery(r->url).queryItemValue(QStringLiteral("alt")), "sse");
    EXPECT_FALSE(QUrlQuery(r->url).hasQueryItem(QStringLiteral("key")));
}

TEST(GeminiChatRequest, TrailingSlashAndResourceNamesAreHandled) {
    ProviderConfig p = provider();
    p.baseUrl = QUrl(QStringLiteral("https://proxy.example/v1beta/"));
    GeminiChatTranslator t(p);
    Result<UpstreamRequest> r =
        t.buildRequest(obj(R"({"messages":[{"role":"user","content":"hi"}]})"),
                       QStringLiteral("tunedModels/my-tune"));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->url.toString(), "https://proxy.example/v1beta/tunedModels/my-tune:generateContent");
}

TEST(GeminiChatRequest, NoKeyHeaderWithoutKeyAndBadModelNameRejected) {
    ProviderConfig p = provider();
    p.apiKey.clear();
    GeminiChatTranslator t(p);
    const QJsonObject req = obj(R"({"messages":[{"role":"user","content":"hi"}]})");
    Result<UpstreamRequest> r = t.buildRequest(req, QStringLiteral("gemini-2.5-flash"));
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(header(*r, "x-goog-api-key").isEmpty());
    Result<UpstreamRequest> bad = t.buildRequest(req, QStringLiteral("gemini?key=x"));
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().param, "model");
}

// ---- messages --------------------------------------------------------------------------------

TEST(GeminiChatRequest, SystemDeveloperRolesAndMerging) {
    const QJsonObject b = body(R"({"messages":[
        {"role":"system","content":"You are terse."},
        {"role":"developer","content":[{"type":"text","text":"Answer in French."}]},
        {"role":"user","content":"Hello"},
        {"role":"user","content":[{"type":"text","text":"Where is Lyon?"}]},
        {"role":"assistant","content":"In France."},
        {"role":"assistant","content":[{"type":"text","text":"On the Rhone."}]},
        {"role":"user","content":"Thanks"}]})");
    const QJsonObject expected = obj(R"({
        "systemInstruction":{"parts":[{"text":"You are terse."},{"text":"Answer in French."}]},
        "contents":[
          {"role":"user","parts":[{"text":"Hello"},{"text":"Where is Lyon?"}]},
          {"role":"model","parts":[{"text":"In France."},{"text":"On the Rhone."}]},
          {"role":"user","parts":[{"text":"Thanks"}]}]})");
    EXPECT_JSON_EQ(b, expected);
}

TEST(GeminiChatRequest, ImagesAudioAndFiles) {
    const QJsonObject b = body(R"({"messages":[{"role":"user","content":[
        {"type":"text","text":"Compare"},
        {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo=","detail":"high"}},
        {"type":"image_url","image_url":{"url":"https://example.com/a/photo.WEBP?x=1"}},
        {"type":"image_url","image_url":"https://example.com/noext"},
        {"type":"input_audio","input_audio":{"data":"UklGRg==","format":"wav"}},
        {"type":"file","file":{"file_data":"data:application/pdf;base64,JVBERi0=","filename":"a.pdf"}}]}]})");
    const QJsonObject expected = obj(R"({"contents":[{"role":"user","parts":[
        {"text":"Compare"},
        {"inlineData":{"mimeType":"image/png","data":"iVBORw0KGgo="}},
        {"fileData":{"mimeType":"image/webp","fileUri":"https://example.com/a/photo.WEBP?x=1"}},
        {"fileData":{"mimeType":"image/jpeg","fileUri":"https://example.com/noext"}},
        {"inlineData":{"mimeType":"audio/wav","data":"UklGRg=="}},
        {"inlineData":{"mimeType":"application/pdf","data":"JVBERi0="}}]}]})");
    EXPECT_JSON_EQ(b, expected);
}

TEST(GeminiChatRequest, BadImageUrlsAre400) {
    ApiError e = error(R"({"messages":[{"role":"user","content":[{"type":"text","text":"x"},
        {"type":"image_url","image_url":{"url":"ftp://example.com/a.png"}}]}]})");
    EXPECT_EQ(e.status, 400);
    EXPECT_EQ(e.param, "messages[0].content[1].image_url");
    e = error(R"({"messages":[{"role":"user","content":[
        {"type":"image_url","image_url":{"url":"data:image/png,notbase64"}}]}]})");
    EXPECT_EQ(e.status, 400);
}

// ---- tools -----------------------------------------------------------------------------------

TEST(GeminiChatRequest, ToolsBecomeOneFunctionDeclarationsEntry) {
    const QJsonObject b = body(R"({"messages":[{"role":"user","content":"hi"}],"tools":[
        {"type":"function","function":{"name":"lookup_weather","description":"Weather for a city",
          "strict":true,
          "parameters":{"$schema":"http://json-schema.org/draft-07/schema#","type":"object",
            "properties":{"city":{"type":"string"},
                          "opts":{"type":"object","additionalProperties":false,
                                  "properties":{"unit":{"anyOf":[{"const":"c"},{"const":"f"}]}}}},
            "required":["city"],"additionalProperties":false}}},
        {"type":"function","function":{"name":"get_time"}}]})");
    const QJsonArray tools = b[u"tools"].toArray();
    ASSERT_EQ(tools.size(), 1);
    EXPECT_EQ(tools, QJsonDocument::fromJson(R"([{"functionDeclarations":[
        {"name":"lookup_weather","description":"Weather for a city",
         "parametersJsonSchema":{"type":"object",
            "properties":{"city":{"type":"string"},
                          "opts":{"type":"object","additionalProperties":false,
                                  "properties":{"unit":{"anyOf":[{"const":"c"},{"const":"f"}]}}}},
            "required":["city"],"additionalProperties":false}},
        {"name":"get_time","description":""}]}])").array());
    EXPECT_FALSE(b.contains(u"toolConfig"));
}

struct ToolChoiceCase {
    const char* choice;
    const char* expected;  // functionCallingConfig
};

class GeminiToolChoice : public ::testing::TestWithParam<ToolChoiceCase> {};

TEST_P(GeminiToolChoice, MapsToFunctionCallingConfig) {
    const QByteArray request =
        QByteArray(R"({"messages":[{"role":"user","content":"hi"}],
            "tools":[{"type":"function","function":{"name":"a"}},
                     {"type":"function","function":{"name":"b"}}],"tool_choice":)") +
        GetParam().choice + "}";
    GeminiChatTranslator t(provider());
    Result<UpstreamRequest> r = t.buildRequest(obj(request), QStringLiteral("gemini-2.5-flash"));
    ASSERT_TRUE(r.ok());
    EXPECT_JSON_EQ(obj(r->body)[u"toolConfig"][u"functionCallingConfig"].toObject(),
                   obj(GetParam().expected));
}

INSTANTIATE_TEST_SUITE_P(
    All, GeminiToolChoice,
    ::testing::Values(
        ToolChoiceCase{R"("auto")", R"({"mode":"AUTO"})"},
        ToolChoiceCase{R"("none")", R"({"mode":"NONE"})"},
        ToolChoiceCase{R"("required")", R"({"mode":"ANY"})"},
        ToolChoiceCase{R"({"type":"function","function":{"name":"b"}})",
                       R"({"mode":"ANY","allowedFunctionNames":["b"]})"}));

TEST(GeminiChatRequest, BadToolChoicesAndToolsAre400) {
    ApiError e = error(R"({"messages":[{"role":"user","content":"hi"}],
        "tools":[{"type":"function","function":{"name":"a"}}],
        "tool_choice":{"type":"function","function":{"name":"zzz"}}})");
    EXPECT_EQ(e.param, "tool_choice");
    e = error(R"({"messages":[{"role":"user","content":"hi"}],"tool_choice":"required"})");
    EXPECT_EQ(e.param, "tool_choice");
    e = error(R"({"messages":[{"role":"user","content":"hi"}],
        "tools":[{"type":"custom","custom":{"name":"a"}}]})");
    EXPECT_EQ(e.param, "tools[0].type");
    e = error(R"({"messages":[{"role":"user","content":"hi"}],
        "tools":[{"type":"function","function":{"description":"no name"}}]})");
    EXPECT_EQ(e.param, "tools[0].function.name");
    // tool_choice auto/none without tools is harmless and dropped.
    EXPECT_FALSE(body(R"({"messages":[{"role":"user","content":"hi"}],"tool_choice":"auto"})")
                     .contains(u"toolConfig"));
}

// ---- tool calls and results ------------------------------------------------------------------

TEST(GeminiChatRequest, ToolCallsAndResultsWithNameRecovery) {
    const QJsonObject b = body(R"({"messages":[
        {"role":"user","content":"Weather in Lyon and the time?"},
        {"role":"assistant","content":null,"tool_calls":[
          {"id":"call_A","type":"function","function":{"name":"lookup_weather","arguments":"{\"city\":\"Lyon\"}"}},
          {"id":"call_B","type":"function","function":{"name":"get_time","arguments":""}}]},
        {"role":"tool","tool_call_id":"call_A","content":"{\"temp\":21,\"sky\":\"clear\"}"},
        {"role":"tool","tool_call_id":"call_B","content":[{"type":"text","text":"14:05"}]},
        {"role":"user","content":"And tomorrow?"}]})");
    const QJsonObject expected = obj(R"({"contents":[
        {"role":"user","parts":[{"text":"Weather in Lyon and the time?"}]},
        {"role":"model","parts":[
          {"functionCall":{"name":"lookup_weather","args":{"city":"Lyon"}}},
          {"functionCall":{"name":"get_time","args":{}}}]},
        {"role":"user","parts":[
          {"functionResponse":{"name":"lookup_weather","response":{"temp":21,"sky":"clear"}}},
          {"functionResponse":{"name":"get_time","response":{"output":"14:05"}}},
          {"text":"And tomorrow?"}]}]})");
    EXPECT_JSON_EQ(b, expected);
}

TEST(GeminiChatRequest, NonObjectToolOutputIsWrapped) {
    const QJsonObject b = body(R"({"messages":[
        {"role":"user","content":"x"},
        {"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},
        {"role":"tool","tool_call_id":"c1","content":"[1,2,3]"}]})");
    EXPECT_JSON_EQ(firstPart(b, 2), obj(R"({"functionResponse":{"name":"f","response":{"output":"[1,2,3]"}}})"));
}

TEST(GeminiChatRequest, UnknownOrMissingToolCallIdIs400) {
    ApiError e = error(R"({"messages":[{"role":"user","content":"x"},
        {"role":"tool","tool_call_id":"call_nowhere","content":"42"}]})");
    EXPECT_EQ(e.status, 400);
    EXPECT_EQ(e.param, "messages[1].tool_call_id");
    EXPECT_TRUE(e.message.contains(QStringLiteral("call_nowhere")));
    e = error(R"({"messages":[{"role":"user","content":"x"},
        {"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},
        {"role":"tool","content":"42"}]})");
    EXPECT_EQ(e.param, "messages[2].tool_call_id");
}

TEST(GeminiChatRequest, BadToolCallArgumentsAre400) {
    ApiError e = error(R"({"messages":[{"role":"user","content":"x"},
        {"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{oops"}}]}]})");
    EXPECT_EQ(e.param, "messages[1].tool_calls[0].function.arguments");
}

TEST(GeminiChatRequest, ThoughtSignatureFromExtraContent) {
    const QJsonObject b = body(R"({"messages":[{"role":"user","content":"x"},
        {"role":"assistant","tool_calls":[{"id":"call_sig","type":"function",
          "function":{"name":"f","arguments":"{}"},
          "extra_content":{"google":{"thought_signature":"c2lnbmF0dXJl"}}}]},
        {"role":"tool","tool_call_id":"call_sig","content":"ok"}]})");
    EXPECT_JSON_EQ(firstPart(b, 1),
                   obj(R"({"functionCall":{"name":"f","args":{}},"thoughtSignature":"c2lnbmF0dXJl"})"));
}

TEST(GeminiChatRequest, Gemini3UnsignedCallGetsPlaceholderOnFirstCallOnly) {
    const char* request = R"({"messages":[{"role":"user","content":"x"},
        {"role":"assistant","tool_calls":[
          {"id":"other_model_1","type":"function","function":{"name":"f","arguments":"{}"}},
          {"id":"other_model_2","type":"function","function":{"name":"g","arguments":"{}"}}]}]})";
    const QJsonArray parts =
        body(request, QStringLiteral("gemini-3-pro-preview"))[u"contents"].toArray().at(1)[u"parts"].toArray();
    EXPECT_EQ(parts.at(0)[u"thoughtSignature"].toString(), "skip_thought_signature_validator");
    EXPECT_FALSE(parts.at(1).toObject().contains(u"thoughtSignature"));
    // Older models do not validate signatures: nothing is invented for them.
    EXPECT_FALSE(firstPart(body(request), 1).contains(u"thoughtSignature"));
}

// ---- generationConfig ------------------------------------------------------------------------

TEST(GeminiChatRequest, GenerationConfigMapping) {
    const QJsonObject b = body(R"({"messages":[{"role":"user","content":"x"}],
        "temperature":0,"top_p":0.9,"max_tokens":50,"max_completion_tokens":300,"stop":"END",
        "n":2,"seed":7,"presence_penalty":0.5,"frequency_penalty":-0.25,"user":"u1",
        "parallel_tool_calls":false})");
    EXPECT_JSON_EQ(b[u"generationConfig"].toObject(), obj(R"({"temperature":0,"topP":0.9,
        "maxOutputTokens":300,"stopSequences":["END"],"candidateCount":2,"seed":7,
        "presencePenalty":0.5,"frequencyPenalty":-0.25})"));
}

TEST(GeminiChatRequest, NoGenerationConfigWhenNothingGivenAndMaxTokensFallback) {
    EXPECT_FALSE(body(R"({"messages":[{"role":"user","content":"x"}]})").contains(u"generationConfig"));
    EXPECT_JSON_EQ(body(R"({"messages":[{"role":"user","content":"x"}],"max_tokens":64,
                            "stop":["a","b"]})")[u"generationConfig"].toObject(),
                   obj(R"({"maxOutputTokens":64,"stopSequences":["a","b"]})"));
}

TEST(GeminiChatRequest, ResponseFormat) {
    EXPECT_JSON_EQ(body(R"({"messages":[{"role":"user","content":"x"}],
        "response_format":{"type":"json_schema","json_schema":{"name":"city","strict":true,
          "schema":{"$schema":"http://json-schema.org/draft-07/schema#","type":"object",
            "properties":{"name":{"type":"string"}},"required":["name"],
            "additionalProperties":false}}}})")[u"generationConfig"].toObject(),
        obj(R"({"responseMimeType":"application/json","responseJsonSchema":{"type":"object",
            "properties":{"name":{"type":"string"}},"required":["name"],"additionalProperties":false}})"));
    EXPECT_JSON_EQ(body(R"({"messages":[{"role":"user","content":"x"}],
        "response_format":{"type":"json_object"}})")[u"generationConfig"].toObject(),
        obj(R"({"responseMimeType":"application/json"})"));
    EXPECT_FALSE(body(R"({"messages":[{"role":"user","content":"x"}],
        "response_format":{"type":"text"}})").contains(u"generationConfig"));
}

TEST(GeminiChatRequest, ReasoningEffortBecomesThinkingConfig) {
    auto thinking = [](const char* effort, const char* model) {
        const QByteArray req = QByteArray(R"({"messages":[{"role":"user","content":"x"}],"reasoning_effort":")") +
                               effort + "\"}";
        GeminiChatTranslator t(provider());
        Result<UpstreamRequest> r = t.buildRequest(obj(req), QString::fromLatin1(model));
        EXPECT_TRUE(r.ok());
        return r.ok() ? obj(r->body)[u"generationConfig"][u"thinkingConfig"].toObject() : QJsonObject();
    };
    EXPECT_JSON_EQ(thinking("low", "gemini-2.5-flash"), obj(R"({"thinkingBudget":1024,"includeThoughts":true})"));
    EXPECT_JSON_EQ(thinking("medium", "gemini-2.5-pro"), obj(R"({"thinkingBudget":8192,"includeThoughts":true})"));
    EXPECT_JSON_EQ(thinking("high", "gemini-2.5-flash"), obj(R"({"thinkingBudget":24576,"includeThoughts":true})"));
    EXPECT_JSON_EQ(thinking("none", "gemini-2.5-flash"), obj(R"({"thinkingBudget":0,"includeThoughts":false})"));
    EXPECT_JSON_EQ(thinking("high", "gemini-3-pro-preview"), obj(R"({"thinkingLevel":"high","includeThoughts":true})"));
    EXPECT_JSON_EQ(thinking("minimal", "models/gemini-3-flash-preview"),
                   obj(R"({"thinkingLevel":"low","includeThoughts":true})"));
    EXPECT_EQ(error(R"({"messages":[{"role":"user","content":"x"}],"reasoning_effort":"extreme"})").param,
              "reasoning_effort");
}

// ---- validation ------------------------------------------------------------------------------

struct BadRequestCase {
    const char* request;
    const char* param;
};

class GeminiBadRequest : public ::testing::TestWithParam<BadRequestCase> {};

TEST_P(GeminiBadRequest, Is400WithParam) {
    const ApiError e = error(GetParam().request);
    EXPECT_EQ(e.status, 400);
    EXPECT_EQ(e.type, "invalid_request_error");
    EXPECT_EQ(e.param, GetParam().param);
    EXPECT_FALSE(e.message.isEmpty());
}

INSTANTIATE_TEST_SUITE_P(
    All, GeminiBadRequest,
    ::testing::Values(
        BadRequestCase{R"({})", "messages"},
        BadRequestCase{R"({"messages":[]})", "messages"},
        BadRequestCase{R"({"messages":["hi"]})", "messages[0]"},
        BadRequestCase{R"({"messages":[{"role":"system","content":"only system"}]})", "messages"},
        BadRequestCase{R"({"messages":[{"role":"wizard","content":"x"}]})", "messages[0].role"},
        BadRequestCase{R"({"messages":[{"role":"user","content":42}]})", "messages[0].content"},
        BadRequestCase{R"({"messages":[{"role":"user","content":[{"type":"video","video":{}}]}]})",
                       "messages[0].content[0].type"},
        BadRequestCase{R"({"messages":[{"role":"system","content":[{"type":"image_url","image_url":"https://x/y.png"}]}]})",
                       "messages[0].content[0].type"},
        BadRequestCase{R"({"messages":[{"role":"user","content":"x"}],"temperature":"hot"})", "temperature"},
        BadRequestCase{R"({"messages":[{"role":"user","content":"x"}],"max_completion_tokens":0})",
                       "max_completion_tokens"},
        BadRequestCase{R"({"messages":[{"role":"user","content":"x"}],"max_tokens":1.5})", "max_tokens"},
        BadRequestCase{R"({"messages":[{"role":"user","content":"x"}],"n":0})", "n"},
        BadRequestCase{R"({"messages":[{"role":"user","content":"x"}],"stop":["a",1]})", "stop"},
        BadRequestCase{R"({"messages":[{"role":"user","content":"x"}],"response_format":{"type":"yaml"}})",
                       "response_format.type"}));

}  // namespace
}  // namespace ar
