#include "providers/anthropic/AnthropicRequestMapper.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>

#include "providers/anthropic/AnthropicWire.h"

namespace ar::anthropic {

namespace {

using Blocks = QJsonArray;

inline QString wireName(const char* latin1) { return QString::fromLatin1(latin1); }

// Budgets for OpenAI's reasoning_effort levels; Anthropic's minimum budget is 1024.
std::optional<int> thinkingBudgetFor(const QString& effort) {
    if (effort == QLatin1String("minimal") || effort == QLatin1String("low")) return 1024;
    if (effort == QLatin1String("medium")) return 4096;
    if (effort == QLatin1String("high")) return 16384;
    if (effort == QLatin1String("xhigh")) return 32768;
    return std::nullopt;
}

const QString kJsonOnlyInstruction = QStringLiteral(
    "Respond only with a single valid JSON object. Do not add any text before or after it.");

std::optional<qint64> positiveInteger(const QJsonValue& v) {
    if (!v.isDouble()) return std::nullopt;
    const double d = v.toDouble();
    if (d < 1 || d > 1e12 || d != std::floor(d)) return std::nullopt;
    return static_cast<qint64>(d);
}

bool isAbsent(const QJsonValue& v) { return v.isUndefined() || v.isNull(); }

QJsonObject textBlock(const QString& text) {
    return {{QStringLiteral("type"), wireName(block::kText)}, {QStringLiteral("text"), text}};
}

// Copies cache_control from an OpenAI content part: clients that know Anthropic put it
// there, and dropping it would silently turn cache reads into full-price input.
void keepCacheControl(const QJsonObject& from, QJsonObject& to) {
    const QJsonValue cc = from.value(QStringLiteral("cache_control"));
    if (cc.isObject()) to.insert(QStringLiteral("cache_control"), cc);
}

// "data:image/png;base64,AAAA" -> base64 source; http(s) URL -> url source.
Result<QJsonObject> imageBlock(const QJsonValue& imageUrl, const QString& path) {
    const QString url = imageUrl.isObject()
                            ? imageUrl.toObject().value(QStringLiteral("url")).toString()
                            : imageUrl.toString();
    QJsonObject source;
    if (url.startsWith(QLatin1String("data:"))) {
        const qsizetype comma = url.indexOf(QLatin1Char(','));
        const QString header = url.mid(5, comma - 5);
        if (comma < 0 || !header.endsWith(QLatin1String(";base64")) || comma + 1 >= url.size()) {
            return ApiError::badRequest(
                QStringLiteral("Image data URIs must look like data:<media type>;base64,<data>."),
                path + QStringLiteral(".image_url.url"));
        }
        source = {{QStringLiteral("type"), QStringLiteral("base64")},
                  {QStringLiteral("media_type"), header.chopped(7)},
                  {QStringLiteral("data"), url.mid(comma + 1)}};
    } else if (url.startsWith(QLatin1String("https://")) ||
               url.startsWith(QLatin1String("http://"))) {
        source = {{QStringLiteral("type"), QStringLiteral("url")}, {QStringLiteral("url"), url}};
    } else {
        return ApiError::badRequest(
            QStringLiteral("Image URLs must be http(s) URLs or base64 data URIs."),
            path + QStringLiteral(".image_url.url"));
    }
    return QJsonObject{{QStringLiteral("type"), wireName(block::kImage)},
                       {QStringLiteral("source"), source}};
}

enum class PartsAllowed { TextOnly, TextAndImages };

// One OpenAI content part -> one Anthropic block; empty text yields an empty object
// (Anthropic rejects empty text blocks, so callers skip it).
Result<QJsonObject> contentBlock(const QJsonValue& partValue, const QString& path,
                                 PartsAllowed allowed) {
    const QJsonObject part = partValue.toObject();
    const QString type = part.value(QStringLiteral("type")).toString();
    if (type == QLatin1String("text") || type == QLatin1String("refusal")) {
        const QString text = part.value(type).toString();
        if (text.isEmpty()) return QJsonObject{};
        QJsonObject out = textBlock(text);
        keepCacheControl(part, out);
        return out;
    }
    if (type == QLatin1String("image_url") && allowed == PartsAllowed::TextAndImages) {
        auto image = imageBlock(part.value(QStringLiteral("image_url")), path);
        if (image) keepCacheControl(part, *image);
        return image;
    }
    return ApiError::badRequest(
        QStringLiteral("Content part type '%1' is not supported for Anthropic models here.")
            .arg(type.isEmpty() ? QStringLiteral("(missing)") : type),
        path + QStringLiteral(".type"));
}

// A message `content` (string, null or array of parts) -> Anthropic blocks.
Result<Blocks> contentBlocks(const QJsonValue& content, const QString& path, PartsAllowed allowed) {
    Blocks out;
    if (isAbsent(content)) return out;
    if (content.isString()) {
        if (!content.toString().isEmpty()) out.append(textBlock(content.toString()));
        return out;
    }
    if (!content.isArray()) {
        return ApiError::badRequest(QStringLiteral("Message content must be a string or an array."),
                                    path);
    }
    const QJsonArray parts = content.toArray();
    for (qsizetype j = 0; j < parts.size(); ++j) {
        auto b = contentBlock(parts[j], QStringLiteral("%1[%2]").arg(path).arg(j), allowed);
        if (!b) return b.error();
        if (!b->isEmpty()) out.append(*b);
    }
    return out;
}

// Replayed thinking goes first in the assistant turn, as Anthropic requires. Blocks without
// a signature are dropped: Anthropic rejects them, and clients echo reasoning_content they
// got from providers that have no signatures.
Result<Blocks> thinkingBlocks(const QJsonObject& msg, const QString& path) {
    Blocks out;
    const QJsonValue list = msg.value(QStringLiteral("thinking_blocks"));
    if (list.isArray()) {
        for (const QJsonValue& v : list.toArray()) {
            const QJsonObject b = v.toObject();
            const QString type = b.value(QStringLiteral("type")).toString();
            if (type == QLatin1String(block::kThinking)) {
                const QString sig = b.value(QStringLiteral("signature")).toString();
                if (sig.isEmpty()) continue;
                out.append(QJsonObject{
                    {QStringLiteral("type"), wireName(block::kThinking)},
                    {QStringLiteral("thinking"), b.value(QStringLiteral("thinking")).toString()},
                    {QStringLiteral("signature"), sig}});
            } else if (type == QLatin1String(block::kRedactedThinking)) {
                out.append(QJsonObject{
                    {QStringLiteral("type"), wireName(block::kRedactedThinking)},
                    {QStringLiteral("data"), b.value(QStringLiteral("data")).toString()}});
            } else {
                return ApiError::badRequest(
                    QStringLiteral(
                        "thinking_blocks entries must be of type thinking or redacted_thinking."),
                    path + QStringLiteral(".thinking_blocks"));
            }
        }
        return out;
    }
    if (!isAbsent(list)) {
        return ApiError::badRequest(QStringLiteral("thinking_blocks must be an array."),
                                    path + QStringLiteral(".thinking_blocks"));
    }
    const QString thinking = msg.value(QStringLiteral("reasoning_content")).toString();
    const QString sig = msg.value(QStringLiteral("reasoning_signature")).toString();
    if (!thinking.isEmpty() && !sig.isEmpty()) {
        out.append(QJsonObject{{QStringLiteral("type"), wireName(block::kThinking)},
                               {QStringLiteral("thinking"), thinking},
                               {QStringLiteral("signature"), sig}});
    }
    return out;
}

// One assistant tool_call -> a tool_use block whose input is the parsed arguments string.
Result<QJsonObject> toolUseBlock(const QJsonValue& callValue, const QString& path) {
    const QJsonObject call = callValue.toObject();
    const QJsonObject fn = call.value(QStringLiteral("function")).toObject();
    const QString id = call.value(QStringLiteral("id")).toString();
    const QString name = fn.value(QStringLiteral("name")).toString();
    if (id.isEmpty() || name.isEmpty()) {
        return ApiError::badRequest(
            QStringLiteral("Each tool call needs an id and a function name."), path);
    }
    QJsonObject input;
    const QJsonValue args = fn.value(QStringLiteral("arguments"));
    if (args.isObject()) {
        input = args.toObject();
    } else if (!args.toString().trimmed().isEmpty()) {
        QJsonParseError err{};
        const QJsonDocument doc = QJsonDocument::fromJson(args.toString().toUtf8(), &err);
        if (err.error != QJsonParseError::NoError || !doc.isObject()) {
            return ApiError::badRequest(
                QStringLiteral("Tool call arguments must be a JSON object encoded as a string."),
                path + QStringLiteral(".function.arguments"));
        }
        input = doc.object();
    }
    return QJsonObject{{QStringLiteral("type"), wireName(block::kToolUse)},
                       {QStringLiteral("id"), id},
                       {QStringLiteral("name"), name},
                       {QStringLiteral("input"), input}};
}

class RequestMapper {
public:
    explicit RequestMapper(const QJsonObject& request) : m_req(request) {}

    Result<MappedRequest> run(const QString& model) {
        m_out.body.insert(QStringLiteral("model"), model);
        // Order matters: reasoning adjusts the max_tokens and sampling set before it.
        using Step = Status (RequestMapper::*)();
        for (Step step :
             {&RequestMapper::checkN, &RequestMapper::mapMessages, &RequestMapper::mapSampling,
              &RequestMapper::mapTools, &RequestMapper::mapReasoning,
              &RequestMapper::mapResponseFormat, &RequestMapper::mapUser}) {
            if (Status st = (this->*step)(); !st) return st.error();
        }
        finishSystem();
        mapStream();
        return m_out;
    }

private:
    struct Turn {
        QString role;
        Blocks content;
    };

    QJsonValue field(const char* key) const { return m_req.value(QLatin1String(key)); }

    Status checkN() {
        const QJsonValue n = field("n");
        if (isAbsent(n) || n.toDouble() == 1) return Ok{};
        return ApiError::badRequest(
            QStringLiteral("n must be 1: Anthropic models return one choice per request."),
            QStringLiteral("n"));
    }

    Status mapMessages() {
        const QJsonValue messages = field("messages");
        if (!messages.isArray()) {
            return ApiError::badRequest(QStringLiteral("messages must be an array."),
                                        QStringLiteral("messages"));
        }
        const QJsonArray list = messages.toArray();
        for (qsizetype i = 0; i < list.size(); ++i) {
            const QString path = QStringLiteral("messages[%1]").arg(i);
            if (!list[i].isObject()) {
                return ApiError::badRequest(QStringLiteral("Each message must be an object."),
                                            path);
            }
            if (Status st = mapMessage(list[i].toObject(), path); !st) return st;
        }
        if (m_turns.isEmpty()) {
            return ApiError::badRequest(
                QStringLiteral(
                    "messages must contain at least one non-empty user or assistant message."),
                QStringLiteral("messages"));
        }
        QJsonArray out;
        for (const Turn& t : std::as_const(m_turns)) {
            out.append(QJsonObject{{QStringLiteral("role"), t.role},
                                   {QStringLiteral("content"), t.content}});
        }
        m_out.body.insert(QStringLiteral("messages"), out);
        return Ok{};
    }

    Status mapMessage(const QJsonObject& msg, const QString& path) {
        const QString role = msg.value(QStringLiteral("role")).toString();
        const QJsonValue content = msg.value(QStringLiteral("content"));
        const QString contentPath = path + QStringLiteral(".content");
        if (role == QLatin1String("system") || role == QLatin1String("developer")) {
            auto blocks = contentBlocks(content, contentPath, PartsAllowed::TextOnly);
            if (!blocks) return blocks.error();
            for (const QJsonValue& b : std::as_const(*blocks)) m_system.append(b.toObject());
            return Ok{};
        }
        if (role == QLatin1String("user")) {
            auto blocks = contentBlocks(content, contentPath, PartsAllowed::TextAndImages);
            if (!blocks) return blocks.error();
            appendTurn(QStringLiteral("user"), *blocks);
            return Ok{};
        }
        if (role == QLatin1String("assistant")) return mapAssistant(msg, path);
        if (role == QLatin1String("tool")) return mapToolResult(msg, path);
        return ApiError::badRequest(QStringLiteral("Unsupported message role '%1'.").arg(role),
                                    path + QStringLiteral(".role"));
    }

    Status mapAssistant(const QJsonObject& msg, const QString& path) {
        auto blocks = thinkingBlocks(msg, path);
        if (!blocks) return blocks.error();
        auto text = contentBlocks(msg.value(QStringLiteral("content")),
                                  path + QStringLiteral(".content"), PartsAllowed::TextOnly);
        if (!text) return text.error();
        for (const QJsonValue& b : std::as_const(*text)) blocks->append(b);

        const QJsonArray calls = msg.value(QStringLiteral("tool_calls")).toArray();
        for (qsizetype j = 0; j < calls.size(); ++j) {
            auto use = toolUseBlock(calls[j], QStringLiteral("%1.tool_calls[%2]").arg(path).arg(j));
            if (!use) return use.error();
            blocks->append(*use);
        }
        appendTurn(QStringLiteral("assistant"), *blocks);
        return Ok{};
    }

    // A tool message becomes a tool_result block in a user turn; appendTurn merges the
    // results of consecutive tool messages into one user message.
    Status mapToolResult(const QJsonObject& msg, const QString& path) {
        const QString id = msg.value(QStringLiteral("tool_call_id")).toString();
        if (id.isEmpty()) {
            return ApiError::badRequest(QStringLiteral("Tool messages need a tool_call_id."),
                                        path + QStringLiteral(".tool_call_id"));
        }
        QJsonObject result{{QStringLiteral("type"), wireName(block::kToolResult)},
                           {QStringLiteral("tool_use_id"), id}};
        const QJsonValue content = msg.value(QStringLiteral("content"));
        if (content.isString()) {
            result.insert(QStringLiteral("content"), content);
        } else if (!isAbsent(content)) {
            auto blocks = contentBlocks(content, path + QStringLiteral(".content"),
                                        PartsAllowed::TextAndImages);
            if (!blocks) return blocks.error();
            result.insert(QStringLiteral("content"), *blocks);
        }
        appendTurn(QStringLiteral("user"), Blocks{result});
        return Ok{};
    }

    // Anthropic wants alternating roles and non-empty content: merge neighbours, skip empties.
    void appendTurn(const QString& role, const Blocks& blocks) {
        if (blocks.isEmpty()) return;
        if (!m_turns.isEmpty() && m_turns.last().role == role) {
            for (const QJsonValue& b : blocks) m_turns.last().content.append(b);
            return;
        }
        m_turns.append({role, blocks});
    }

    Status mapSampling() {
        QJsonValue max = field("max_completion_tokens");
        QString maxParam = QStringLiteral("max_completion_tokens");
        if (isAbsent(max)) {
            max = field("max_tokens");
            maxParam = QStringLiteral("max_tokens");
        }
        if (isAbsent(max)) {
            m_out.body.insert(QStringLiteral("max_tokens"), kDefaultMaxTokens);
        } else if (auto n = positiveInteger(max)) {
            m_out.body.insert(QStringLiteral("max_tokens"), *n);
        } else {
            return ApiError::badRequest(
                QStringLiteral("%1 must be a positive integer.").arg(maxParam), maxParam);
        }

        const QJsonValue temperature = field("temperature");
        if (temperature.isDouble()) {
            // OpenAI allows 0..2, Anthropic 0..1: clamp rather than scale, so 0.7 stays 0.7.
            m_out.body.insert(QStringLiteral("temperature"),
                              std::clamp(temperature.toDouble(), 0.0, 1.0));
        } else if (!isAbsent(temperature)) {
            return ApiError::badRequest(QStringLiteral("temperature must be a number."),
                                        QStringLiteral("temperature"));
        }

        const QJsonValue topP = field("top_p");
        if (topP.isDouble()) {
            m_out.body.insert(QStringLiteral("top_p"), topP.toDouble());
        } else if (!isAbsent(topP)) {
            return ApiError::badRequest(QStringLiteral("top_p must be a number."),
                                        QStringLiteral("top_p"));
        }
        return mapStop();
    }

    // Anthropic rejects whitespace-only stop sequences, so they are dropped.
    Status mapStop() {
        const QJsonValue stop = field("stop");
        if (isAbsent(stop)) return Ok{};
        QJsonArray candidates;
        if (stop.isString()) {
            candidates.append(stop);
        } else if (stop.isArray()) {
            candidates = stop.toArray();
        } else {
            return ApiError::badRequest(
                QStringLiteral("stop must be a string or an array of strings."),
                QStringLiteral("stop"));
        }
        QJsonArray sequences;
        for (const QJsonValue& v : std::as_const(candidates)) {
            if (!v.isString()) {
                return ApiError::badRequest(QStringLiteral("stop must contain only strings."),
                                            QStringLiteral("stop"));
            }
            if (!v.toString().trimmed().isEmpty()) sequences.append(v);
        }
        if (!sequences.isEmpty()) m_out.body.insert(QStringLiteral("stop_sequences"), sequences);
        return Ok{};
    }

    Status mapTools() {
        const QJsonValue tools = field("tools");
        if (!isAbsent(tools) && !tools.isArray()) {
            return ApiError::badRequest(QStringLiteral("tools must be an array."),
                                        QStringLiteral("tools"));
        }
        QJsonArray out;
        const QJsonArray list = tools.toArray();
        for (qsizetype i = 0; i < list.size(); ++i) {
            auto tool = mapTool(list[i].toObject(), QStringLiteral("tools[%1]").arg(i));
            if (!tool) return tool.error();
            out.append(*tool);
        }
        auto choice = mapToolChoice();
        if (!choice) return choice.error();
        // tool_choice without tools is meaningless to Anthropic (and rejected), so both go
        // together.
        if (!out.isEmpty()) {
            m_out.body.insert(QStringLiteral("tools"), out);
            if (!choice->isEmpty()) m_out.body.insert(QStringLiteral("tool_choice"), *choice);
        }
        return Ok{};
    }

    static Result<QJsonObject> mapTool(const QJsonObject& tool, const QString& path) {
        const QString type =
            tool.value(QStringLiteral("type")).toString(QStringLiteral("function"));
        if (type != QLatin1String("function")) {
            return ApiError::badRequest(
                QStringLiteral("Tool type '%1' is not supported for Anthropic models.").arg(type),
                path + QStringLiteral(".type"));
        }
        const QJsonObject fn = tool.value(QStringLiteral("function")).toObject();
        const QString name = fn.value(QStringLiteral("name")).toString();
        if (name.isEmpty()) {
            return ApiError::badRequest(QStringLiteral("Each tool needs a function name."),
                                        path + QStringLiteral(".function.name"));
        }
        const QJsonValue params = fn.value(QStringLiteral("parameters"));
        QJsonObject out{
            {QStringLiteral("name"), name},
            {QStringLiteral("input_schema"),
             params.isObject() ? params.toObject()
                               : QJsonObject{{QStringLiteral("type"), QStringLiteral("object")},
                                             {QStringLiteral("properties"), QJsonObject{}}}}};
        const QString description = fn.value(QStringLiteral("description")).toString();
        if (!description.isEmpty()) out.insert(QStringLiteral("description"), description);
        return out;
    }

    // Empty result: let Anthropic default (auto with parallel tool use).
    Result<QJsonObject> mapToolChoice() const {
        const QJsonValue choice = field("tool_choice");
        QJsonObject out;
        if (choice.isString()) {
            const QString c = choice.toString();
            if (c == QLatin1String("auto"))
                out.insert(QStringLiteral("type"), QStringLiteral("auto"));
            else if (c == QLatin1String("required"))
                out.insert(QStringLiteral("type"), QStringLiteral("any"));
            else if (c == QLatin1String("none"))
                out.insert(QStringLiteral("type"), QStringLiteral("none"));
        } else if (choice.isObject()) {
            const QJsonObject o = choice.toObject();
            const QString name = o.value(QStringLiteral("function"))
                                     .toObject()
                                     .value(QStringLiteral("name"))
                                     .toString();
            if (o.value(QStringLiteral("type")).toString() == QLatin1String("function") &&
                !name.isEmpty()) {
                out = {{QStringLiteral("type"), QStringLiteral("tool")},
                       {QStringLiteral("name"), name}};
            }
        }
        if (out.isEmpty() && !isAbsent(choice)) {
            return ApiError::badRequest(
                QStringLiteral("tool_choice must be auto, required, none or "
                               "{\"type\":\"function\",\"function\":{\"name\":...}}."),
                QStringLiteral("tool_choice"));
        }
        const bool noParallel = field("parallel_tool_calls") == QJsonValue(false);
        if (noParallel && out.value(QStringLiteral("type")) != QLatin1String("none")) {
            if (out.isEmpty()) out.insert(QStringLiteral("type"), QStringLiteral("auto"));
            out.insert(QStringLiteral("disable_parallel_tool_use"), true);
        }
        return out;
    }

    Status mapReasoning() {
        const QJsonValue effort = field("reasoning_effort");
        if (isAbsent(effort) || effort.toString() == QLatin1String("none")) return Ok{};
        const auto budget = thinkingBudgetFor(effort.toString());
        if (!budget) {
            return ApiError::badRequest(
                QStringLiteral(
                    "reasoning_effort must be one of none, minimal, low, medium, high, xhigh."),
                QStringLiteral("reasoning_effort"));
        }
        m_out.body.insert(QStringLiteral("thinking"),
                          QJsonObject{{QStringLiteral("type"), QStringLiteral("enabled")},
                                      {QStringLiteral("budget_tokens"), *budget}});
        // max_tokens counts thinking too and must exceed the budget: keep the client's
        // answer allowance on top of the budget.
        const qint64 max = m_out.body.value(QStringLiteral("max_tokens")).toInteger();
        if (max <= *budget) m_out.body.insert(QStringLiteral("max_tokens"), *budget + max);
        // Anthropic rejects temperature and top_p changes while thinking.
        m_out.body.remove(QStringLiteral("temperature"));
        m_out.body.remove(QStringLiteral("top_p"));
        return Ok{};
    }

    Status mapResponseFormat() {
        const QJsonValue format = field("response_format");
        if (isAbsent(format)) return Ok{};
        const QJsonObject f = format.toObject();
        const QString type = f.value(QStringLiteral("type")).toString();
        if (type == QLatin1String("text")) return Ok{};
        if (type == QLatin1String("json_object")) {
            // No JSON mode on Anthropic: ask for it in the system prompt.
            m_system.append(textBlock(kJsonOnlyInstruction));
            return Ok{};
        }
        if (type == QLatin1String("json_schema")) {
            const QJsonValue schema =
                f.value(QStringLiteral("json_schema")).toObject().value(QStringLiteral("schema"));
            if (!schema.isObject()) {
                return ApiError::badRequest(
                    QStringLiteral("response_format.json_schema.schema must be an object."),
                    QStringLiteral("response_format.json_schema.schema"));
            }
            m_out.body.insert(QStringLiteral("output_format"),
                              QJsonObject{{QStringLiteral("type"), QStringLiteral("json_schema")},
                                          {QStringLiteral("schema"), schema}});
            m_out.betas.append(kStructuredOutputsBeta);
            return Ok{};
        }
        return ApiError::badRequest(
            QStringLiteral("response_format type must be text, json_object or json_schema."),
            QStringLiteral("response_format"));
    }

    Status mapUser() {
        const QJsonValue user = field("user");
        if (isAbsent(user)) return Ok{};
        if (!user.isString()) {
            return ApiError::badRequest(QStringLiteral("user must be a string."),
                                        QStringLiteral("user"));
        }
        m_out.body.insert(QStringLiteral("metadata"),
                          QJsonObject{{QStringLiteral("user_id"), user}});
        return Ok{};
    }

    // One system text -> a string; blocks are kept only when they carry cache_control.
    void finishSystem() {
        if (m_system.isEmpty()) return;
        QJsonArray blocks;
        QStringList texts;
        bool cached = false;
        for (const QJsonObject& b : std::as_const(m_system)) {
            blocks.append(b);
            texts.append(b.value(QStringLiteral("text")).toString());
            cached = cached || b.contains(QStringLiteral("cache_control"));
        }
        m_out.body.insert(
            QStringLiteral("system"),
            cached ? QJsonValue(blocks) : QJsonValue(texts.join(QStringLiteral("\n\n"))));
    }

    void mapStream() {
        m_out.stream = field("stream").toBool();
        if (!m_out.stream) return;
        m_out.body.insert(QStringLiteral("stream"), true);
        m_out.includeUsage =
            field("stream_options").toObject().value(QStringLiteral("include_usage")).toBool();
    }

    const QJsonObject& m_req;
    QList<Turn> m_turns;
    QList<QJsonObject> m_system;
    MappedRequest m_out;
};

}  // namespace

Result<MappedRequest> mapChatRequest(const QJsonObject& request, const QString& model) {
    return RequestMapper(request).run(model);
}

}  // namespace ar::anthropic
