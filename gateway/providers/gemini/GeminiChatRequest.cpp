#include "providers/gemini/GeminiChatRequest.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QUrl>
#include <optional>

#include "providers/gemini/GeminiWire.h"

namespace ar::gemini {

namespace {

using Parts = QJsonArray;

QString nth(const QString& base, int index) { return QStringLiteral("%1[%2]").arg(base).arg(index); }

QString field(const QString& base, const char* name) {
    return base + QLatin1Char('.') + QLatin1StringView(name);
}

bool isPresent(const QJsonValue& v) { return !v.isUndefined() && !v.isNull(); }

bool isEmptyText(const QJsonObject& part) {
    return part.contains(u"text") && part.value(u"text").toString().isEmpty();
}

bool isInteger(const QJsonValue& v) {
    return v.isDouble() && v.toDouble() == static_cast<double>(v.toInteger());
}

// ---- content parts ---------------------------------------------------------------------

// "data:image/png;base64,AAAA" -> inlineData. Only base64 payloads: Gemini wants bytes.
Result<QJsonObject> dataUriPart(const QString& uri, const QString& param) {
    const qsizetype comma = uri.indexOf(QLatin1Char(','));
    const QString header = uri.mid(5, comma - 5);  // after "data:"
    if (comma < 0 || !header.endsWith(QStringLiteral(";base64")))
        return ApiError::badRequest(QStringLiteral("Only base64 data: URIs are supported."), param);
    QString mime = header.chopped(7);
    if (mime.isEmpty()) mime = QStringLiteral("application/octet-stream");
    return QJsonObject{{"inlineData", QJsonObject{{"mimeType", mime}, {"data", uri.mid(comma + 1)}}}};
}

QString guessImageMime(const QUrl& url) {
    static const QHash<QString, QString> kByExtension = {
        {"png", "image/png"},   {"jpg", "image/jpeg"},  {"jpeg", "image/jpeg"},
        {"webp", "image/webp"}, {"gif", "image/gif"},   {"heic", "image/heic"},
        {"heif", "image/heif"}, {"bmp", "image/bmp"},   {"pdf", "application/pdf"}};
    const QString path = url.path().toLower();
    const QString ext = path.mid(path.lastIndexOf(QLatin1Char('.')) + 1);
    return kByExtension.value(ext, QStringLiteral("image/jpeg"));
}

// image_url is either "url" or {"url", "detail"}; detail has no Gemini equivalent.
Result<QJsonObject> imagePart(const QJsonValue& imageUrl, const QString& param) {
    const QString url = imageUrl.isString() ? imageUrl.toString()
                                            : imageUrl[u"url"].toString();
    if (url.startsWith(QStringLiteral("data:"))) return dataUriPart(url, param);
    const QUrl parsed(url);
    if (parsed.scheme() == QStringLiteral("http") || parsed.scheme() == QStringLiteral("https"))
        return QJsonObject{{"fileData", QJsonObject{{"mimeType", guessImageMime(parsed)},
                                                    {"fileUri", url}}}};
    return ApiError::badRequest(
        QStringLiteral("image_url.url must be an http(s) URL or a base64 data: URI."), param);
}

Result<QJsonObject> audioPart(const QJsonObject& audio, const QString& param) {
    const QString format = audio[u"format"].toString();
    const QString data = audio[u"data"].toString();
    if (format.isEmpty() || data.isEmpty())
        return ApiError::badRequest(QStringLiteral("input_audio needs data and format."), param);
    const QString mime = format == QStringLiteral("mp3") ? QStringLiteral("audio/mp3")
                                                         : QStringLiteral("audio/") + format;
    return QJsonObject{{"inlineData", QJsonObject{{"mimeType", mime}, {"data", data}}}};
}

Result<QJsonObject> filePart(const QJsonObject& file, const QString& param) {
    const QString data = file[u"file_data"].toString();
    if (!data.startsWith(QStringLiteral("data:")))
        return ApiError::badRequest(
            QStringLiteral("file parts need file_data as a base64 data: URI (file_id is not "
                           "supported by Gemini)."),
            param);
    return dataUriPart(data, param);
}

Result<QJsonObject> contentPart(const QJsonObject& part, const QString& param) {
    const QString type = part[u"type"].toString();
    if (type == QStringLiteral("text"))
        return QJsonObject{{"text", part[u"text"].toString()}};
    if (type == QStringLiteral("image_url"))
        return imagePart(part[u"image_url"], field(param, "image_url"));
    if (type == QStringLiteral("input_audio"))
        return audioPart(part[u"input_audio"].toObject(), field(param, "input_audio"));
    if (type == QStringLiteral("file")) return filePart(part[u"file"].toObject(), field(param, "file"));
    return ApiError::badRequest(
        QStringLiteral("Unsupported content part type '%1' for Gemini.").arg(type),
        field(param, "type"));
}

// A message's content: a string or an array of parts. Empty text is dropped because
// Gemini rejects empty text parts.
Result<Parts> messageParts(const QJsonValue& content, const QString& param, bool textOnly) {
    Parts parts;
    if (content.isString()) {
        if (!content.toString().isEmpty()) parts.append(QJsonObject{{"text", content.toString()}});
        return parts;
    }
    if (!isPresent(content)) return parts;
    if (!content.isArray())
        return ApiError::badRequest(QStringLiteral("content must be a string or an array."), param);
    const QJsonArray items = content.toArray();
    for (int i = 0; i < items.size(); ++i) {
        const QJsonObject item = items.at(i).toObject();
        const QString type = item[u"type"].toString();
        const bool isText = type == QStringLiteral("text") || type == QStringLiteral("refusal");
        if (textOnly && !isText)
            return ApiError::badRequest(
                QStringLiteral("Only text parts are allowed here, got '%1'.").arg(type),
                field(nth(param, i), "type"));
        if (type == QStringLiteral("refusal")) {
            parts.append(QJsonObject{{"text", item[u"refusal"].toString()}});
            continue;
        }
        Result<QJsonObject> part = contentPart(item, nth(param, i));
        if (!part) return part.error();
        if (!isEmptyText(*part)) parts.append(*part);
    }
    return parts;
}

// ---- the conversation --------------------------------------------------------------------

struct Conversation {
    QString model;
    Parts systemParts;
    QJsonArray contents;
    QHash<QString, QString> toolNames;  // tool_call_id -> function name, from assistant turns
};

// Gemini wants strictly alternating roles in practice; merge neighbours with the same role.
void appendContent(QJsonArray& contents, const QString& role, const Parts& parts) {
    if (parts.isEmpty()) return;
    if (!contents.isEmpty()) {
        QJsonObject last = contents.last().toObject();
        if (last[u"role"].toString() == role) {
            QJsonArray merged = last[u"parts"].toArray();
            for (const QJsonValue& p : parts) merged.append(p);
            last[QStringLiteral("parts")] = merged;
            contents[contents.size() - 1] = last;
            return;
        }
    }
    contents.append(QJsonObject{{"role", role}, {"parts", parts}});
}

// The signature comes back in extra_content.google.thought_signature (Google's own
// OpenAI-compat convention, which we also emit), else from our id memory.
QString signatureFor(const QJsonObject& toolCall) {
    const QString fromClient = toolCall[u"extra_content"][u"google"][u"thought_signature"].toString();
    if (!fromClient.isEmpty()) return fromClient;
    return recallThoughtSignature(toolCall[u"id"].toString());
}

// arguments is a JSON string; "" means no arguments. Gemini wants an object.
Result<QJsonObject> parseArguments(const QJsonValue& arguments, const QString& param) {
    if (arguments.isObject()) return arguments.toObject();  // lenient: already parsed
    const QString text = arguments.toString().trimmed();
    if (text.isEmpty()) return QJsonObject();
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return ApiError::badRequest(
            QStringLiteral("function.arguments must be a JSON object encoded as a string."), param);
    return doc.object();
}

Result<QJsonObject> functionCallPart(const QJsonObject& toolCall, const QString& param,
                                     Conversation& conv) {
    const QJsonObject function = toolCall[u"function"].toObject();
    const QString name = function[u"name"].toString();
    if (name.isEmpty())
        return ApiError::badRequest(QStringLiteral("tool_calls[].function.name is required."),
                                    field(field(param, "function"), "name"));
    Result<QJsonObject> args = parseArguments(function[u"arguments"], field(field(param, "function"), "arguments"));
    if (!args) return args.error();
    const QString id = toolCall[u"id"].toString();
    if (!id.isEmpty()) conv.toolNames.insert(id, name);
    QJsonObject part{{"functionCall", QJsonObject{{"name", name}, {"args", *args}}}};
    const QString signature = signatureFor(toolCall);
    if (!signature.isEmpty()) part[QStringLiteral("thoughtSignature")] = signature;
    return part;
}

// Gemini 3 rejects a function-call turn whose first call lacks a signature (e.g. history
// written by another model or by a client that dropped extra_content): use the placeholder.
void ensureFirstCallSigned(Parts& parts, const QString& model) {
    if (!isGemini3(model)) return;
    for (int i = 0; i < parts.size(); ++i) {
        QJsonObject part = parts.at(i).toObject();
        if (!part.contains(u"functionCall")) continue;
        if (!part.contains(u"thoughtSignature")) {
            part[QStringLiteral("thoughtSignature")] = QLatin1StringView(kSkipSignatureValidator);
            parts[i] = part;
        }
        return;
    }
}

Result<Parts> assistantParts(const QJsonObject& message, const QString& param, Conversation& conv) {
    Result<Parts> parts = messageParts(message[u"content"], field(param, "content"), true);
    if (!parts) return parts;
    const QJsonArray toolCalls = message[u"tool_calls"].toArray();
    for (int i = 0; i < toolCalls.size(); ++i) {
        const QString callParam = nth(field(param, "tool_calls"), i);
        Result<QJsonObject> part = functionCallPart(toolCalls.at(i).toObject(), callParam, conv);
        if (!part) return part.error();
        parts->append(*part);
    }
    ensureFirstCallSigned(*parts, conv.model);
    return parts;
}

// Tool output text: a string, or an array of text parts joined.
QString toolOutputText(const QJsonValue& content) {
    if (!content.isArray()) return content.toString();
    QString text;
    for (const QJsonValue& p : content.toArray()) text += p[u"text"].toString();
    return text;
}

// functionResponse.response must be an object: a JSON object passes through, anything
// else is wrapped as {"output": text}.
QJsonObject toolResponseObject(const QString& text) {
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8());
    if (doc.isObject()) return doc.object();
    return QJsonObject{{"output", text}};
}

Result<QJsonObject> functionResponsePart(const QJsonObject& message, const QString& param,
                                         const Conversation& conv) {
    const QString id = message[u"tool_call_id"].toString();
    if (id.isEmpty())
        return ApiError::badRequest(QStringLiteral("Tool messages need a tool_call_id."),
                                    field(param, "tool_call_id"));
    // OpenAI tool messages lack the function name that Gemini requires: recover it.
    const QString name = conv.toolNames.value(id);
    if (name.isEmpty())
        return ApiError::badRequest(
            QStringLiteral("tool_call_id '%1' does not match any earlier assistant tool call.").arg(id),
            field(param, "tool_call_id"));
    const QJsonObject response = toolResponseObject(toolOutputText(message[u"content"]));
    return QJsonObject{{"functionResponse", QJsonObject{{"name", name}, {"response", response}}}};
}

Status addMessage(const QJsonObject& message, const QString& param, Conversation& conv) {
    const QString role = message[u"role"].toString();
    if (role == QStringLiteral("system") || role == QStringLiteral("developer")) {
        Result<Parts> parts = messageParts(message[u"content"], field(param, "content"), true);
        if (!parts) return parts.error();
        for (const QJsonValue& p : *parts) conv.systemParts.append(p);
        return Ok{};
    }
    if (role == QStringLiteral("user")) {
        Result<Parts> parts = messageParts(message[u"content"], field(param, "content"), false);
        if (!parts) return parts.error();
        appendContent(conv.contents, QStringLiteral("user"), *parts);
        return Ok{};
    }
    if (role == QStringLiteral("assistant")) {
        Result<Parts> parts = assistantParts(message, param, conv);
        if (!parts) return parts.error();
        appendContent(conv.contents, QStringLiteral("model"), *parts);
        return Ok{};
    }
    if (role == QStringLiteral("tool")) {
        Result<QJsonObject> part = functionResponsePart(message, param, conv);
        if (!part) return part.error();
        appendContent(conv.contents, QStringLiteral("user"), Parts{*part});
        return Ok{};
    }
    return ApiError::badRequest(QStringLiteral("Unsupported message role '%1'.").arg(role),
                                field(param, "role"));
}

Status addMessages(const QJsonValue& messages, Conversation& conv) {
    if (!messages.isArray() || messages.toArray().isEmpty())
        return ApiError::badRequest(QStringLiteral("messages must be a non-empty array."),
                                    QStringLiteral("messages"));
    const QJsonArray list = messages.toArray();
    for (int i = 0; i < list.size(); ++i) {
        const QString param = nth(QStringLiteral("messages"), i);
        if (!list.at(i).isObject())
            return ApiError::badRequest(QStringLiteral("Each message must be an object."), param);
        Status s = addMessage(list.at(i).toObject(), param, conv);
        if (!s) return s;
    }
    if (conv.contents.isEmpty())
        return ApiError::badRequest(
            QStringLiteral("messages must contain at least one non-system message with content."),
            QStringLiteral("messages"));
    return Ok{};
}

// ---- tools -----------------------------------------------------------------------------

// We send parametersJsonSchema (full JSON Schema: additionalProperties, anyOf, $ref, ...)
// instead of the OpenAPI-subset `parameters`, so client schemas pass without lossy
// rewriting. Only the root "$schema" marker (zod/pydantic emit it) is dropped.
QJsonObject cleanSchema(QJsonObject schema) {
    schema.remove(u"$schema");
    return schema;
}

Result<QJsonObject> functionDeclaration(const QJsonObject& tool, const QString& param) {
    if (tool[u"type"].toString() != QStringLiteral("function"))
        return ApiError::badRequest(QStringLiteral("Only function tools are supported for Gemini."),
                                    field(param, "type"));
    const QJsonObject function = tool[u"function"].toObject();
    const QString name = function[u"name"].toString();
    if (name.isEmpty())
        return ApiError::badRequest(QStringLiteral("tools[].function.name is required."),
                                    field(field(param, "function"), "name"));
    QJsonObject decl{{"name", name}, {"description", function[u"description"].toString()}};
    const QJsonValue params = function[u"parameters"];
    if (params.isObject()) decl[QStringLiteral("parametersJsonSchema")] = cleanSchema(params.toObject());
    else if (isPresent(params))
        return ApiError::badRequest(QStringLiteral("function.parameters must be an object."),
                                    field(field(param, "function"), "parameters"));
    return decl;
}

// All functions go in ONE tools entry: Gemini treats each entry as a separate tool kind.
Result<QJsonArray> toolsArray(const QJsonValue& tools, QSet<QString>& names) {
    if (!tools.isArray())
        return ApiError::badRequest(QStringLiteral("tools must be an array."), QStringLiteral("tools"));
    QJsonArray declarations;
    const QJsonArray list = tools.toArray();
    for (int i = 0; i < list.size(); ++i) {
        Result<QJsonObject> decl = functionDeclaration(list.at(i).toObject(), nth(QStringLiteral("tools"), i));
        if (!decl) return decl.error();
        names.insert(decl->value(u"name").toString());
        declarations.append(*decl);
    }
    if (declarations.isEmpty()) return QJsonArray();
    return QJsonArray{QJsonObject{{"functionDeclarations", declarations}}};
}

QJsonObject callingConfig(const QString& mode, const QString& onlyName = {}) {
    QJsonObject config{{"mode", mode}};
    if (!onlyName.isEmpty()) config[QStringLiteral("allowedFunctionNames")] = QJsonArray{onlyName};
    return QJsonObject{{"functionCallingConfig", config}};
}

// auto/none/required/{"type":"function","function":{"name"}} -> AUTO/NONE/ANY(+name).
Result<QJsonObject> toolConfig(const QJsonValue& choice, const QSet<QString>& names) {
    const QString param = QStringLiteral("tool_choice");
    if (!isPresent(choice)) return QJsonObject();
    const QString mode = choice.toString();
    if (mode == QStringLiteral("none")) return names.isEmpty() ? QJsonObject() : callingConfig("NONE");
    if (mode == QStringLiteral("auto")) return names.isEmpty() ? QJsonObject() : callingConfig("AUTO");
    if (names.isEmpty())
        return ApiError::badRequest(QStringLiteral("tool_choice needs tools."), param);
    if (mode == QStringLiteral("required")) return callingConfig("ANY");
    if (choice[u"type"].toString() == QStringLiteral("function")) {
        const QString name = choice[u"function"][u"name"].toString();
        if (!names.contains(name))
            return ApiError::badRequest(
                QStringLiteral("tool_choice names function '%1', which is not in tools.").arg(name),
                param);
        return callingConfig("ANY", name);
    }
    return ApiError::badRequest(QStringLiteral("Unsupported tool_choice for Gemini."), param);
}

Status addTools(const QJsonObject& request, QJsonObject& body) {
    QSet<QString> names;
    if (isPresent(request[u"tools"])) {
        Result<QJsonArray> tools = toolsArray(request[u"tools"], names);
        if (!tools) return tools.error();
        if (!tools->isEmpty()) body[QStringLiteral("tools")] = *tools;
    }
    Result<QJsonObject> config = toolConfig(request[u"tool_choice"], names);
    if (!config) return config.error();
    if (!config->isEmpty()) body[QStringLiteral("toolConfig")] = *config;
    return Ok{};
}

// ---- generationConfig --------------------------------------------------------------------

Status copyNumber(const QJsonObject& request, const char* from, QJsonObject& config, const char* to) {
    const QJsonValue v = request.value(QLatin1StringView(from));
    if (!isPresent(v)) return Ok{};
    if (!v.isDouble())
        return ApiError::badRequest(QStringLiteral("%1 must be a number.").arg(QLatin1StringView(from)),
                                    QLatin1StringView(from));
    config[QLatin1StringView(to)] = v;
    return Ok{};
}

Status copyInteger(const QJsonObject& request, const char* from, QJsonObject& config,
                   const char* to, std::optional<qint64> minimum = {}) {
    const QJsonValue v = request.value(QLatin1StringView(from));
    if (!isPresent(v)) return Ok{};
    if (!isInteger(v) || (minimum && v.toInteger() < *minimum)) {
        QString message = QStringLiteral("%1 must be an integer").arg(QLatin1StringView(from));
        if (minimum) message += QStringLiteral(" >= %1").arg(*minimum);
        return ApiError::badRequest(message + QLatin1Char('.'), QLatin1StringView(from));
    }
    config[QLatin1StringView(to)] = v.toInteger();
    return Ok{};
}

Status addStop(const QJsonValue& stop, QJsonObject& config) {
    if (!isPresent(stop)) return Ok{};
    if (stop.isString()) {
        config[QStringLiteral("stopSequences")] = QJsonArray{stop};
        return Ok{};
    }
    bool allStrings = stop.isArray();
    for (const QJsonValue& s : stop.toArray()) allStrings = allStrings && s.isString();
    if (!allStrings)
        return ApiError::badRequest(QStringLiteral("stop must be a string or an array of strings."),
                                    QStringLiteral("stop"));
    if (!stop.toArray().isEmpty()) config[QStringLiteral("stopSequences")] = stop;
    return Ok{};
}

// json_object -> JSON mime type; json_schema -> also responseJsonSchema (full JSON Schema,
// same reasoning as parametersJsonSchema).
Status addResponseFormat(const QJsonValue& format, QJsonObject& config) {
    const QString param = QStringLiteral("response_format");
    if (!isPresent(format)) return Ok{};
    const QString type = format[u"type"].toString();
    if (type == QStringLiteral("text")) return Ok{};
    if (type != QStringLiteral("json_object") && type != QStringLiteral("json_schema"))
        return ApiError::badRequest(QStringLiteral("Unsupported response_format type '%1'.").arg(type),
                                    field(param, "type"));
    config[QStringLiteral("responseMimeType")] = QStringLiteral("application/json");
    const QJsonValue schema = format[u"json_schema"][u"schema"];
    if (type == QStringLiteral("json_schema") && schema.isObject())
        config[QStringLiteral("responseJsonSchema")] = cleanSchema(schema.toObject());
    return Ok{};
}

// reasoning_effort -> thinkingConfig. Gemini 3 takes thinkingLevel; "low" and "high" are
// the levels every Gemini 3 model accepts. Older models take a token budget (0 = off).
// Thought summaries are requested so they can surface as reasoning_content.
Status addThinking(const QJsonValue& effortValue, const QString& model, QJsonObject& config) {
    if (!isPresent(effortValue)) return Ok{};
    static const QHash<QString, int> kBudget = {{"none", 0},      {"minimal", 512},
                                                {"low", 1024},    {"medium", 8192},
                                                {"high", 24576},  {"xhigh", 24576}};
    const QString effort = effortValue.toString();
    if (!kBudget.contains(effort))
        return ApiError::badRequest(QStringLiteral("Unsupported reasoning_effort '%1'.").arg(effort),
                                    QStringLiteral("reasoning_effort"));
    const bool off = effort == QStringLiteral("none");
    QJsonObject thinking{{"includeThoughts", !off}};
    if (isGemini3(model)) {
        const bool deep = kBudget.value(effort) >= kBudget.value(QStringLiteral("medium"));
        thinking[QStringLiteral("thinkingLevel")] = deep ? QStringLiteral("high") : QStringLiteral("low");
    } else {
        thinking[QStringLiteral("thinkingBudget")] = kBudget.value(effort);
    }
    config[QStringLiteral("thinkingConfig")] = thinking;
    return Ok{};
}

Status addMaxTokens(const QJsonObject& request, QJsonObject& config) {
    const char* key = isPresent(request[u"max_completion_tokens"]) ? "max_completion_tokens"
                                                                   : "max_tokens";
    return copyInteger(request, key, config, "maxOutputTokens", 1);
}

Result<QJsonObject> generationConfig(const QJsonObject& request, const QString& model) {
    QJsonObject config;
    Status s = copyNumber(request, "temperature", config, "temperature");
    if (s) s = copyNumber(request, "top_p", config, "topP");
    if (s) s = copyNumber(request, "top_k", config, "topK");
    if (s) s = copyNumber(request, "presence_penalty", config, "presencePenalty");
    if (s) s = copyNumber(request, "frequency_penalty", config, "frequencyPenalty");
    if (s) s = addMaxTokens(request, config);
    if (s) s = copyInteger(request, "n", config, "candidateCount", 1);
    if (s) s = copyInteger(request, "seed", config, "seed");
    if (s) s = addStop(request[u"stop"], config);
    if (s) s = addResponseFormat(request[u"response_format"], config);
    if (s) s = addThinking(request[u"reasoning_effort"], model, config);
    if (!s) return s.error();
    return config;
}

}  // namespace

bool isGemini3(const QString& upstreamModel) {
    QString name = upstreamModel;
    if (name.startsWith(QStringLiteral("models/"))) name = name.mid(7);
    return name.startsWith(QStringLiteral("gemini-3"));
}

Result<ChatRequestPlan> buildChatRequest(const QJsonObject& request, const QString& upstreamModel) {
    Conversation conv;
    conv.model = upstreamModel;
    Status s = addMessages(request[u"messages"], conv);
    if (!s) return s.error();

    ChatRequestPlan plan;
    plan.body[QStringLiteral("contents")] = conv.contents;
    if (!conv.systemParts.isEmpty())
        plan.body[QStringLiteral("systemInstruction")] = QJsonObject{{"parts", conv.systemParts}};
    s = addTools(request, plan.body);
    if (!s) return s.error();
    Result<QJsonObject> config = generationConfig(request, upstreamModel);
    if (!config) return config.error();
    if (!config->isEmpty()) plan.body[QStringLiteral("generationConfig")] = *config;

    plan.stream = request[u"stream"].toBool();
    plan.includeUsage = plan.stream && request[u"stream_options"][u"include_usage"].toBool();
    return plan;
}

}  // namespace ar::gemini
