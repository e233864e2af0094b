#include "support/StrictAnthropic.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <QStringList>

namespace ar::test {

namespace {

// A rejection on its way out of the checks: status, Anthropic error type, message.
struct Rejection {
    int status = 400;
    QByteArray type = "invalid_request_error";
    QString message;
};

Rejection invalid(const QString& message) { return {400, "invalid_request_error", message}; }

const QSet<QString> kTopLevelFields{
    "model",    "messages",     "max_tokens", "system",      "metadata",      "stop_sequences",
    "stream",   "temperature",  "top_p",      "top_k",       "tools",         "tool_choice",
    "thinking", "service_tier", "container",  "mcp_servers", "output_format", "context_management"};
const QStringList kImageTypes{"image/jpeg", "image/png", "image/gif", "image/webp"};

QJsonArray blocksOf(const QJsonObject& message) {
    const QJsonValue content = message.value(u"content");
    if (content.isString()) return {QJsonObject{{"type", "text"}, {"text", content}}};
    return content.toArray();
}

std::optional<Rejection> checkBlock(const QJsonObject& b, const QString& path) {
    const QString type = b.value(u"type").toString();
    if (type == QLatin1StringView("text")) {
        if (b.value(u"text").toString().isEmpty())
            return invalid(QStringLiteral("messages: text content blocks must be non-empty"));
    } else if (type == QLatin1StringView("image")) {
        const QJsonObject s = b.value(u"source").toObject();
        if (s.value(u"type") == QLatin1StringView("base64")) {
            if (!kImageTypes.contains(s.value(u"media_type").toString()))
                return invalid(
                    path +
                    QStringLiteral(".image.source.base64.media_type: Input should be "
                                   "'image/jpeg', 'image/png', 'image/gif' or 'image/webp'"));
            if (s.value(u"data").toString().isEmpty())
                return invalid(path + QStringLiteral(".image.source.base64.data: Field required"));
        } else if (s.value(u"type") != QLatin1StringView("url") ||
                   !s.value(u"url").toString().contains(QRegularExpression("^https?://"))) {
            return invalid(
                path + QStringLiteral(".image.source: Input tag '%1' found using 'type' does not "
                                      "match any of the expected tags: 'base64', 'url'")
                           .arg(s.value(u"type").toString()));
        }
    } else if (type == QLatin1StringView("tool_use")) {
        if (b.value(u"id").toString().isEmpty() || b.value(u"name").toString().isEmpty())
            return invalid(path + QStringLiteral(".tool_use.id: Field required"));
        if (!b.value(u"input").isObject())
            return invalid(path +
                           QStringLiteral(".tool_use.input: Input should be a valid dictionary"));
    } else if (type == QLatin1StringView("tool_result")) {
        if (b.value(u"tool_use_id").toString().isEmpty())
            return invalid(path + QStringLiteral(".tool_result.tool_use_id: Field required"));
    } else if (type == QLatin1StringView("thinking")) {
        if (b.value(u"signature").toString().isEmpty())
            return invalid(path + QStringLiteral(".thinking.signature: Field required"));
    } else if (type != QLatin1StringView("redacted_thinking")) {
        return invalid(path +
                       QStringLiteral(": Input tag '%1' found using 'type' does not match any of "
                                      "the expected tags")
                           .arg(type));
    }
    return std::nullopt;
}

QString unanswered(int index, const QStringList& ids) {
    return QStringLiteral(
               "messages.%1: `tool_use` ids were found without `tool_result` blocks immediately "
               "after: %2. Each `tool_use` block must have a corresponding `tool_result` block "
               "in the next message.")
        .arg(index)
        .arg(ids.join(QStringLiteral(", ")));
}

std::optional<Rejection> checkMessages(const QJsonValue& value) {
    if (!value.isArray()) return invalid(QStringLiteral("messages: Field required"));
    const QJsonArray messages = value.toArray();
    QStringList previousToolUses;
    for (int i = 0; i < messages.size(); ++i) {
        const QJsonObject m = messages[i].toObject();
        const QString role = m.value(u"role").toString();
        if (role == QLatin1StringView("system"))
            return invalid(QStringLiteral(
                "messages: Unexpected role \"system\". The Messages API accepts a "
                "top-level `system` parameter, not \"system\" as an input message role."));
        if (role != QLatin1StringView("user") && role != QLatin1StringView("assistant"))
            return invalid(
                QStringLiteral("messages.%1.role: Input should be 'user' or 'assistant'").arg(i));
        if (i > 0 && messages[i - 1].toObject().value(u"role").toString() == role)
            return invalid(
                QStringLiteral("messages: roles must alternate between \"user\" and \"assistant\", "
                               "but found multiple \"%1\" roles in a row")
                    .arg(role));
        const QJsonArray blocks = blocksOf(m);
        if (blocks.isEmpty() &&
            !(i == messages.size() - 1 && role == QLatin1StringView("assistant")))
            return invalid(
                QStringLiteral("messages.%1: all messages must have non-empty content except for "
                               "the optional final assistant message")
                    .arg(i));
        QStringList answered;
        bool otherContentSeen = false;
        for (int j = 0; j < blocks.size(); ++j) {
            const QJsonObject b = blocks[j].toObject();
            const QString path = QStringLiteral("messages.%1.content.%2").arg(i).arg(j);
            if (auto r = checkBlock(b, path)) return r;
            if (b.value(u"type") != QLatin1StringView("tool_result")) {
                otherContentSeen = true;
                continue;
            }
            const QString id = b.value(u"tool_use_id").toString();
            if (role == QLatin1StringView("user") && !previousToolUses.contains(id))
                return invalid(
                    path +
                    QStringLiteral(": unexpected `tool_use_id` found in `tool_result` blocks: %1. "
                                   "Each `tool_result` block must have a corresponding "
                                   "`tool_use` block in the previous message.")
                        .arg(id));
            if (otherContentSeen)
                return invalid(
                    QStringLiteral("messages.%1: `tool_result` blocks must come before any other "
                                   "content in the message")
                        .arg(i));
            answered << id;
        }
        QStringList missing;
        for (const QString& id : std::as_const(previousToolUses))
            if (!answered.contains(id)) missing << id;
        if (!missing.isEmpty()) return invalid(unanswered(i - 1, missing));
        previousToolUses.clear();
        if (role == QLatin1StringView("assistant"))
            for (const QJsonValue& b : blocks)
                if (b[u"type"] == QLatin1StringView("tool_use"))
                    previousToolUses << b[u"id"].toString();
    }
    if (!previousToolUses.isEmpty())
        return invalid(unanswered(int(messages.size()) - 1, previousToolUses));
    return std::nullopt;
}

std::optional<Rejection> check(const HttpRequest& request, const QByteArray& apiKey) {
    const QByteArray key = request.header("x-api-key");
    if (key.isEmpty())
        return Rejection{401, "authentication_error",
                         QStringLiteral("x-api-key header is required")};
    if (key != apiKey)
        return Rejection{401, "authentication_error", QStringLiteral("invalid x-api-key")};
    if (request.header("anthropic-version").isEmpty())
        return invalid(QStringLiteral("anthropic-version: header is required"));
    const QJsonDocument doc = QJsonDocument::fromJson(request.body);
    if (!doc.isObject())
        return invalid(QStringLiteral(
            "There was an error parsing the body of your request: it is not a JSON object"));
    const QJsonObject body = doc.object();
    for (auto it = body.begin(); it != body.end(); ++it)
        if (!kTopLevelFields.contains(it.key()))
            return invalid(QStringLiteral("%1: Extra inputs are not permitted").arg(it.key()));
    if (!body.value(u"model").isString()) return invalid(QStringLiteral("model: Field required"));
    const QJsonValue max = body.value(u"max_tokens");
    if (max.isUndefined()) return invalid(QStringLiteral("max_tokens: Field required"));
    if (!max.isDouble() || max.toDouble() < 1 || max.toDouble() != double(max.toInteger()))
        return invalid(QStringLiteral("max_tokens: Input should be greater than or equal to 1"));
    const QJsonValue temperature = body.value(u"temperature");
    if (temperature.isDouble() && (temperature.toDouble() < 0 || temperature.toDouble() > 1))
        return invalid(QStringLiteral("temperature: Input should be less than or equal to 1"));
    for (const QJsonValue& s : body.value(u"stop_sequences").toArray())
        if (s.toString().trimmed().isEmpty())
            return invalid(QStringLiteral(
                "stop_sequences: each stop sequence must contain non-whitespace characters"));
    const QJsonArray tools = body.value(u"tools").toArray();
    for (int i = 0; i < tools.size(); ++i) {
        const QJsonObject t = tools[i].toObject();
        if (t.value(u"name").toString().isEmpty())
            return invalid(QStringLiteral("tools.%1.custom.name: Field required").arg(i));
        if (t.value(u"input_schema")[u"type"] != QLatin1StringView("object"))
            return invalid(QStringLiteral("tools.%1.custom.input_schema: Field required").arg(i));
    }
    if (body.contains(u"tool_choice") && tools.isEmpty())
        return invalid(
            QStringLiteral("tool_choice: tool_choice may only be specified while providing tools"));
    const QJsonObject thinking = body.value(u"thinking").toObject();
    if (thinking.value(u"type") == QLatin1StringView("enabled") &&
        max.toInteger() <= thinking.value(u"budget_tokens").toInteger())
        return invalid(
            QStringLiteral("`max_tokens` must be greater than `thinking.budget_tokens`"));
    return checkMessages(body.value(u"messages"));
}

}  // namespace

QByteArray anthropicError(const QByteArray& type, const QString& message) {
    // Written by hand: Anthropic's key order (type, error{type, message}, request_id), which
    // QJsonDocument would sort.
    const QByteArray quoted =
        QJsonDocument(QJsonArray{message}).toJson(QJsonDocument::Compact).chopped(1).mid(1);
    return "{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":" + quoted +
           "},\"request_id\":\"req_011CStrictFakeAnthropic\"}";
}

std::optional<FakeResponse> anthropicRejection(const HttpRequest& request,
                                               const QByteArray& apiKey) {
    const std::optional<Rejection> r = check(request, apiKey);
    if (!r) return std::nullopt;
    return FakeResponse::json(r->status, anthropicError(r->type, r->message));
}

FakeUpstream::Handler strictAnthropic(const QByteArray& apiKey, FakeUpstream::Handler accepted) {
    return [apiKey, accepted = std::move(accepted)](const HttpRequest& request) {
        if (auto rejection = anthropicRejection(request, apiKey)) return *rejection;
        return accepted(request);
    };
}

}  // namespace ar::test
