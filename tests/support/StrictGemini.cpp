#include "support/StrictGemini.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStringList>
#include <QUrlQuery>

namespace ar::test {

namespace {

struct Rejection {
    int code = 400;
    QString status = QStringLiteral("INVALID_ARGUMENT");
    QString message;
    QJsonArray details;
};

Rejection invalid(const QString& message, const QJsonArray& details = {}) {
    return {400, QStringLiteral("INVALID_ARGUMENT"), message, details};
}

// Google's validator names the request type and the field path.
Rejection violation(const char* request, const QString& path, const QString& text) {
    return invalid(QStringLiteral("* %1.%2: %3\n").arg(QLatin1StringView(request), path, text));
}

// The field names of each message type; proto JSON accepts the snake_case spelling too.
const QHash<QString, QStringList>& fields() {
    static const QHash<QString, QStringList> kFields{
        {"GenerateContentRequest",
         {"model", "contents", "tools", "toolConfig", "safetySettings", "systemInstruction",
          "generationConfig", "cachedContent"}},
        {"Content", {"role", "parts"}},
        {"Part",
         {"text", "inlineData", "fileData", "functionCall", "functionResponse", "executableCode",
          "codeExecutionResult", "thought", "thoughtSignature", "videoMetadata", "partMetadata"}},
        {"Blob", {"mimeType", "data"}},
        {"FileData", {"mimeType", "fileUri"}},
        {"FunctionCall", {"id", "name", "args"}},
        {"FunctionResponse", {"id", "name", "response", "willContinue", "scheduling", "parts"}},
        {"Tool",
         {"functionDeclarations", "googleSearch", "googleSearchRetrieval", "codeExecution",
          "urlContext", "fileSearch", "googleMaps"}},
        {"FunctionDeclaration",
         {"name", "description", "behavior", "parameters", "parametersJsonSchema", "response",
          "responseJsonSchema"}},
        {"ToolConfig", {"functionCallingConfig", "retrievalConfig"}},
        {"FunctionCallingConfig", {"mode", "allowedFunctionNames"}},
        {"GenerationConfig",
         {"stopSequences",
          "responseMimeType",
          "responseSchema",
          "responseJsonSchema",
          "responseModalities",
          "candidateCount",
          "maxOutputTokens",
          "temperature",
          "topP",
          "topK",
          "seed",
          "presencePenalty",
          "frequencyPenalty",
          "responseLogprobs",
          "logprobs",
          "enableEnhancedCivicAnswers",
          "speechConfig",
          "thinkingConfig",
          "mediaResolution",
          "imageConfig"}},
        {"ThinkingConfig", {"includeThoughts", "thinkingBudget", "thinkingLevel"}},
        {"BatchEmbedContentsRequest", {"requests"}},
        {"EmbedContentRequest", {"model", "content", "taskType", "title", "outputDimensionality"}},
    };
    return kFields;
}

QString snake(const QString& name) {
    QString out;
    for (QChar c : name) {
        if (c.isUpper())
            out += QLatin1Char('_') + c.toLower();
        else
            out += c;
    }
    return out;
}

QJsonValue field(const QJsonObject& o, const char* name) {
    const QString camel = QLatin1StringView(name);
    return o.contains(camel) ? o.value(camel) : o.value(snake(camel));
}

std::optional<Rejection> checkFields(const QJsonValue& value, const char* type,
                                     const QString& where) {
    if (!value.isObject()) return std::nullopt;
    const QStringList& allowed = fields().value(QLatin1StringView(type));
    const QJsonObject o = value.toObject();
    for (auto it = o.begin(); it != o.end(); ++it) {
        bool known = false;
        for (const QString& f : allowed) known = known || it.key() == f || it.key() == snake(f);
        if (known) continue;
        const QString message =
            QStringLiteral(
                "Invalid JSON payload received. Unknown name \"%1\"%2: Cannot find field.")
                .arg(it.key(), where.isEmpty() ? QString() : QStringLiteral(" at '%1'").arg(where));
        const QJsonObject violation{{"field", where.isEmpty() ? it.key() : where},
                                    {"description", message}};
        return invalid(
            message, QJsonArray{QJsonObject{{"@type", "type.googleapis.com/google.rpc.BadRequest"},
                                            {"fieldViolations", QJsonArray{violation}}}});
    }
    return std::nullopt;
}

std::optional<Rejection> checkContent(const QJsonObject& content, const QString& where,
                                      const char* request) {
    if (auto r = checkFields(content, "Content", where)) return r;
    const QJsonArray parts = field(content, "parts").toArray();
    if (parts.isEmpty())
        return violation(request, where + QStringLiteral(".parts"),
                         QStringLiteral("contents.parts must not be empty."));
    static const char* kData[] = {
        "text",           "inlineData",         "fileData", "functionCall", "functionResponse",
        "executableCode", "codeExecutionResult"};
    for (int j = 0; j < parts.size(); ++j) {
        const QString at = QStringLiteral("%1.parts[%2]").arg(where).arg(j);
        const QJsonObject part = parts[j].toObject();
        if (auto r = checkFields(part, "Part", at)) return r;
        int data = 0;
        for (const char* name : kData) data += field(part, name).isUndefined() ? 0 : 1;
        if (data != 1)
            return violation(
                request, at + QStringLiteral(".data"),
                QStringLiteral("required oneof field 'data' must have one initialized field"));
        const QJsonObject blob = field(part, "inlineData").toObject();
        if (!blob.isEmpty()) {
            if (auto r = checkFields(blob, "Blob", at + QStringLiteral(".inline_data"))) return r;
            if (field(blob, "mimeType").toString().isEmpty())
                return violation(request, at + QStringLiteral(".inline_data.mime_type"),
                                 QStringLiteral("mime_type is required."));
            static const QRegularExpression kBase64(QStringLiteral("^[A-Za-z0-9+/]+={0,2}$"));
            if (!kBase64.match(field(blob, "data").toString()).hasMatch())
                return invalid(QStringLiteral("Invalid value at '%1.inline_data.data' "
                                              "(TYPE_BYTES), Base64 decoding failed")
                                   .arg(at));
        }
        if (auto r =
                checkFields(field(part, "fileData"), "FileData", at + QStringLiteral(".file_data")))
            return r;
        const QJsonValue call = field(part, "functionCall");
        if (call.isObject()) {
            if (auto r = checkFields(call, "FunctionCall", at + QStringLiteral(".function_call")))
                return r;
            if (call[u"name"].toString().isEmpty())
                return violation(request, at + QStringLiteral(".function_call.name"),
                                 QStringLiteral("Name cannot be empty."));
        }
        const QJsonValue response = field(part, "functionResponse");
        if (response.isObject()) {
            if (auto r = checkFields(response, "FunctionResponse",
                                     at + QStringLiteral(".function_response")))
                return r;
            if (response[u"name"].toString().isEmpty())
                return violation(request, at + QStringLiteral(".function_response.name"),
                                 QStringLiteral("Name cannot be empty."));
            if (!response[u"response"].isObject())
                return invalid(QStringLiteral("Invalid value at '%1.function_response.response' "
                                              "(type.googleapis.com/google.protobuf.Struct)")
                                   .arg(at));
        }
    }
    return std::nullopt;
}

// Function responses answer the model turn just before, call for call; Gemini 3 wants the first
// call of each function-call turn to carry its thought signature.
std::optional<Rejection> checkFunctionTurns(const QJsonArray& contents, const QString& model) {
    for (int i = 0; i < contents.size(); ++i) {
        const QJsonObject c = contents[i].toObject();
        const QJsonArray parts = c.value(u"parts").toArray();
        QJsonArray calls, responses;
        for (const QJsonValue& p : parts) {
            if (!field(p.toObject(), "functionCall").isUndefined()) calls.append(p);
            if (!field(p.toObject(), "functionResponse").isUndefined()) responses.append(p);
        }
        if (c.value(u"role") == QLatin1StringView("model") && !calls.isEmpty() &&
            model.startsWith(QLatin1StringView("gemini-3")) &&
            field(calls[0].toObject(), "thoughtSignature").toString().isEmpty())
            return invalid(
                QStringLiteral(
                    "Function call is missing a thought_signature in functionCall parts. "
                    "Additional data, function call `default_api:%1` , position %2.")
                    .arg(field(calls[0].toObject(), "functionCall")[u"name"].toString())
                    .arg(i + 1));
        if (responses.isEmpty()) continue;
        QStringList asked;
        if (i > 0 && contents[i - 1][u"role"] == QLatin1StringView("model"))
            for (const QJsonValue& p : contents[i - 1][u"parts"].toArray())
                if (!field(p.toObject(), "functionCall").isUndefined())
                    asked << field(p.toObject(), "functionCall")[u"name"].toString();
        if (asked.size() != responses.size())
            return invalid(QStringLiteral(
                "Please ensure that the number of function response parts is equal to "
                "the number of function call parts of the function call turn."));
        for (int j = 0; j < responses.size(); ++j) {
            const QString name =
                field(responses[j].toObject(), "functionResponse")[u"name"].toString();
            if (!asked.contains(name))
                return violation(
                    "GenerateContentRequest",
                    QStringLiteral("contents[%1].parts[%2].function_response.name").arg(i).arg(j),
                    QStringLiteral("no function call named '%1' in the previous turn.").arg(name));
        }
    }
    return std::nullopt;
}

std::optional<Rejection> checkGenerate(const QJsonObject& body, const QString& model) {
    const char* request = "GenerateContentRequest";
    if (auto r = checkFields(body, request, {})) return r;
    const QJsonArray contents = field(body, "contents").toArray();
    if (contents.isEmpty())
        return violation(request, QStringLiteral("contents"),
                         QStringLiteral("contents is not specified"));
    for (int i = 0; i < contents.size(); ++i) {
        const QString role = contents[i][u"role"].toString(QStringLiteral("user"));
        if (role != QLatin1StringView("user") && role != QLatin1StringView("model"))
            return invalid(QStringLiteral("Please use a valid role: user, model."));
        if (auto r = checkContent(contents[i].toObject(), QStringLiteral("contents[%1]").arg(i),
                                  request))
            return r;
    }
    const QJsonValue system = field(body, "systemInstruction");
    if (system.isObject())
        if (auto r = checkContent(system.toObject(), QStringLiteral("system_instruction"), request))
            return r;
    const QJsonArray tools = field(body, "tools").toArray();
    for (int i = 0; i < tools.size(); ++i) {
        if (auto r = checkFields(tools[i], "Tool", QStringLiteral("tools[%1]").arg(i))) return r;
        const QJsonArray declarations =
            field(tools[i].toObject(), "functionDeclarations").toArray();
        for (int j = 0; j < declarations.size(); ++j) {
            const QString at = QStringLiteral("tools[%1].function_declarations[%2]").arg(i).arg(j);
            if (auto r = checkFields(declarations[j], "FunctionDeclaration", at)) return r;
            static const QRegularExpression kName(
                QStringLiteral("^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$"));
            if (!kName.match(declarations[j][u"name"].toString()).hasMatch())
                return violation(request, at + QStringLiteral(".name"),
                                 QStringLiteral("Invalid function name."));
            const QJsonObject d = declarations[j].toObject();
            if (!field(d, "parameters").isUndefined() &&
                !field(d, "parametersJsonSchema").isUndefined())
                return violation(
                    request, at,
                    QStringLiteral("parameters and parameters_json_schema cannot both be set."));
        }
    }
    const QJsonValue toolConfig = field(body, "toolConfig");
    if (auto r = checkFields(toolConfig, "ToolConfig", QStringLiteral("tool_config"))) return r;
    const QJsonValue calling = field(toolConfig.toObject(), "functionCallingConfig");
    if (auto r = checkFields(calling, "FunctionCallingConfig",
                             QStringLiteral("tool_config.function_calling_config")))
        return r;
    if (!field(calling.toObject(), "allowedFunctionNames").isUndefined() &&
        calling[u"mode"] != QLatin1StringView("ANY"))
        return violation(
            request, QStringLiteral("tool_config.function_calling_config.allowed_function_names"),
            QStringLiteral("allowed_function_names is only allowed when mode is ANY."));
    const QJsonValue config = field(body, "generationConfig");
    if (auto r = checkFields(config, "GenerationConfig", QStringLiteral("generation_config")))
        return r;
    if (auto r = checkFields(field(config.toObject(), "thinkingConfig"), "ThinkingConfig",
                             QStringLiteral("generation_config.thinking_config")))
        return r;
    if (!field(config.toObject(), "presencePenalty").isUndefined() ||
        !field(config.toObject(), "frequencyPenalty").isUndefined())
        return invalid(QStringLiteral("Penalty is not enabled for models/%1").arg(model));
    return checkFunctionTurns(contents, model);
}

std::optional<Rejection> checkEmbed(const QJsonObject& body, const QString& model) {
    const char* request = "BatchEmbedContentsRequest";
    if (auto r = checkFields(body, request, {})) return r;
    const QJsonArray requests = body.value(u"requests").toArray();
    if (requests.isEmpty())
        return violation(request, QStringLiteral("requests"),
                         QStringLiteral("requests is not specified"));
    if (requests.size() > 100)
        return violation(request, QStringLiteral("requests"),
                         QStringLiteral("at most 100 requests can be in one batch"));
    for (int i = 0; i < requests.size(); ++i) {
        const QString at = QStringLiteral("requests[%1]").arg(i);
        if (auto r = checkFields(requests[i], "EmbedContentRequest", at)) return r;
        if (requests[i][u"model"].toString() != QStringLiteral("models/") + model)
            return violation(
                request, at + QStringLiteral(".model"),
                QStringLiteral("the model must be models/%1, the model of the batch.").arg(model));
        if (auto r = checkContent(requests[i][u"content"].toObject(),
                                  at + QStringLiteral(".content"), request))
            return r;
    }
    return std::nullopt;
}

std::optional<Rejection> check(const HttpRequest& request, const QByteArray& apiKey) {
    QByteArray key = request.header("x-goog-api-key");
    if (key.isEmpty())
        key = QUrlQuery(QString::fromUtf8(request.query))
                  .queryItemValue(QStringLiteral("key"))
                  .toUtf8();
    if (key.isEmpty())
        return Rejection{
            403,
            QStringLiteral("PERMISSION_DENIED"),
            QStringLiteral("Method doesn't allow unregistered callers (callers without established "
                           "identity). Please use API Key or other form of API consumer identity "
                           "to call this API."),
            {}};
    if (key != apiKey)
        return invalid(QStringLiteral("API key not valid. Please pass a valid API key."),
                       QJsonArray{QJsonObject{{"@type", "type.googleapis.com/google.rpc.ErrorInfo"},
                                              {"reason", "API_KEY_INVALID"},
                                              {"domain", "googleapis.com"}}});
    static const QRegularExpression kPath(QStringLiteral(
        "^/v1beta/models/([^/:]+):(generateContent|streamGenerateContent|batchEmbedContents)$"));
    const QRegularExpressionMatch m = kPath.match(QString::fromUtf8(request.path));
    if (request.method != "POST" || !m.hasMatch())
        return Rejection{
            404,
            QStringLiteral("NOT_FOUND"),
            QStringLiteral("Method not found: %1 %2")
                .arg(QString::fromLatin1(request.method), QString::fromUtf8(request.path)),
            {}};
    const QJsonDocument doc = QJsonDocument::fromJson(request.body);
    if (!doc.isObject())
        return invalid(QStringLiteral("Invalid JSON payload received. Expected an object."));
    return m.captured(2) == QLatin1StringView("batchEmbedContents")
               ? checkEmbed(doc.object(), m.captured(1))
               : checkGenerate(doc.object(), m.captured(1));
}

}  // namespace

std::optional<FakeResponse> geminiRejection(const HttpRequest& request, const QByteArray& apiKey) {
    const std::optional<Rejection> r = check(request, apiKey);
    if (!r) return std::nullopt;
    // Written by hand: Google's key order (code, message, status, details) and 2-space indent,
    // which QJsonDocument would sort and indent by 4.
    const QByteArray quoted =
        QJsonDocument(QJsonArray{r->message}).toJson(QJsonDocument::Compact).chopped(1).mid(1);
    QByteArray body = "{\n  \"error\": {\n    \"code\": " + QByteArray::number(r->code) +
                      ",\n    \"message\": " + quoted + ",\n    \"status\": \"" +
                      r->status.toLatin1() + "\"";
    if (!r->details.isEmpty())
        body += ",\n    \"details\": " + QJsonDocument(r->details).toJson(QJsonDocument::Compact);
    body += "\n  }\n}\n";
    return FakeResponse::json(r->code, body, "application/json; charset=UTF-8");
}

FakeUpstream::Handler strictGemini(const QByteArray& apiKey, FakeUpstream::Handler accepted) {
    return [apiKey, accepted = std::move(accepted)](const HttpRequest& request) {
        if (auto rejection = geminiRejection(request, apiKey)) return *rejection;
        return accepted(request);
    };
}

}  // namespace ar::test
