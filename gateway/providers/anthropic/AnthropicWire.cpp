#include "providers/anthropic/AnthropicWire.h"

#include <QHash>

namespace ar::anthropic {

namespace {

void setIfPresent(const QJsonObject& usage, const QString& key, std::optional<qint64>& field) {
    const QJsonValue v = usage.value(key);
    if (v.isDouble()) field = v.toInteger();
}

}  // namespace

void WireUsage::merge(const QJsonObject& usage) {
    setIfPresent(usage, QStringLiteral("input_tokens"), inputTokens);
    setIfPresent(usage, QStringLiteral("output_tokens"), outputTokens);
    setIfPresent(usage, QStringLiteral("cache_read_input_tokens"), cacheReadTokens);
    setIfPresent(usage, QStringLiteral("cache_creation_input_tokens"), cacheCreationTokens);
}

Usage WireUsage::toUsage() const {
    Usage u;
    if (inputTokens || cacheReadTokens || cacheCreationTokens) {
        u.promptTokens =
            inputTokens.value_or(0) + cacheReadTokens.value_or(0) + cacheCreationTokens.value_or(0);
    }
    if (outputTokens) u.completionTokens = *outputTokens;
    u.cachedTokens = cacheReadTokens.value_or(0);
    u.cacheWriteTokens = cacheCreationTokens.value_or(0);
    return u;
}

QJsonObject WireUsage::toOpenAiJson() const {
    const Usage u = toUsage();
    if (!u.known()) return {};
    QJsonObject out;
    if (u.promptTokens >= 0) out.insert(QStringLiteral("prompt_tokens"), u.promptTokens);
    if (u.completionTokens >= 0)
        out.insert(QStringLiteral("completion_tokens"), u.completionTokens);
    out.insert(QStringLiteral("total_tokens"), u.totalTokens());
    out.insert(QStringLiteral("prompt_tokens_details"),
               QJsonObject{{QStringLiteral("cached_tokens"), u.cachedTokens}});
    return out;
}

QString finishReasonFor(const QString& stopReason) {
    static const QHash<QString, QString> map{
        {QStringLiteral("end_turn"), QStringLiteral("stop")},
        {QStringLiteral("stop_sequence"), QStringLiteral("stop")},
        {QStringLiteral("pause_turn"), QStringLiteral("stop")},
        {QStringLiteral("max_tokens"), QStringLiteral("length")},
        {QStringLiteral("model_context_window_exceeded"), QStringLiteral("length")},
        {QStringLiteral("tool_use"), QStringLiteral("tool_calls")},
        {QStringLiteral("refusal"), QStringLiteral("content_filter")},
    };
    // Stop reasons added to the API later still ended the turn normally.
    return map.value(stopReason, QStringLiteral("stop"));
}

int clientStatusFor(int upstreamStatus) { return upstreamStatus == 529 ? 503 : upstreamStatus; }

int statusForErrorType(const QString& errorType) {
    static const QHash<QString, int> map{
        {QStringLiteral("invalid_request_error"), 400},
        {QStringLiteral("authentication_error"), 401},
        {QStringLiteral("billing_error"), 402},
        {QStringLiteral("permission_error"), 403},
        {QStringLiteral("not_found_error"), 404},
        {QStringLiteral("request_too_large"), 413},
        {QStringLiteral("rate_limit_error"), 429},
        {QStringLiteral("timeout_error"), 504},
        {QStringLiteral("overloaded_error"), 503},
    };
    // api_error and unknown types: the upstream failed, so it is a bad gateway for us.
    return map.value(errorType, 502);
}

std::optional<ApiError> errorFromEnvelope(const QJsonObject& envelope, int status) {
    const QJsonObject error = envelope.value(QStringLiteral("error")).toObject();
    const QString type = error.value(QStringLiteral("type")).toString();
    const QString message = error.value(QStringLiteral("message")).toString();
    if (type.isEmpty() && message.isEmpty()) return std::nullopt;

    ApiError e;
    e.status = status;
    e.message = message.isEmpty() ? QStringLiteral("Anthropic returned %1.").arg(type) : message;
    e.type = type.isEmpty() ? QStringLiteral("upstream_error") : type;
    e.code = type;
    return e;
}

}  // namespace ar::anthropic
