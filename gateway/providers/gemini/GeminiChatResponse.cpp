#include "providers/gemini/GeminiChatResponse.h"

#include <QJsonDocument>
#include <QSet>

#include "providers/gemini/GeminiWire.h"

namespace ar::gemini {

namespace {

qint64 count(const QJsonObject& metadata, QStringView key) {
    return metadata.value(key).toInteger(0);
}

}  // namespace

QJsonObject toolCallFromPart(const QJsonObject& part) {
    const QJsonObject call = part[u"functionCall"].toObject();
    QString id = call[u"id"].toString();
    if (id.isEmpty()) id = newToolCallId();  // Gemini API calls carry no id: make a unique one
    const QJsonObject args = call[u"args"].toObject();
    QJsonObject toolCall{
        {"id", id},
        {"type", "function"},
        {"function", QJsonObject{{"name", call[u"name"].toString()},
                                 {"arguments", QString::fromUtf8(compactJson(args))}}}};
    const QString signature = part[u"thoughtSignature"].toString();
    if (!signature.isEmpty()) {
        toolCall[QStringLiteral("extra_content")] =
            QJsonObject{{"google", QJsonObject{{"thought_signature", signature}}}};
        rememberThoughtSignature(id, signature);
    }
    return toolCall;
}

CandidateOutput readParts(const QJsonArray& parts) {
    CandidateOutput out;
    for (const QJsonValue& value : parts) {
        const QJsonObject part = value.toObject();
        if (part.contains(u"functionCall")) {
            out.toolCalls.append(toolCallFromPart(part));
        } else if (part[u"thought"].toBool()) {
            out.reasoning += part[u"text"].toString();
        } else {
            out.text += part[u"text"].toString();
        }
    }
    return out;
}

QString mapFinishReason(const QString& geminiReason, bool sawFunctionCall) {
    static const QSet<QString> kFiltered = {"SAFETY",          "RECITATION",
                                            "BLOCKLIST",       "PROHIBITED_CONTENT",
                                            "SPII",            "IMAGE_SAFETY",
                                            "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION"};
    if (geminiReason.isEmpty()) return {};
    if (kFiltered.contains(geminiReason)) return QStringLiteral("content_filter");
    if (geminiReason == QStringLiteral("MAX_TOKENS")) return QStringLiteral("length");
    // STOP, and anything else (OTHER, MALFORMED_FUNCTION_CALL, ...), ends the turn normally.
    return sawFunctionCall ? QStringLiteral("tool_calls") : QStringLiteral("stop");
}

Usage usageFromMetadata(const QJsonObject& metadata) {
    Usage usage;
    if (metadata.isEmpty()) return usage;
    // promptTokenCount already includes cachedContentTokenCount. Tool-use prompt tokens
    // (e.g. search results fed back to the model) are billed as input but counted apart.
    usage.promptTokens = count(metadata, u"promptTokenCount") + count(metadata, u"toolUsePromptTokenCount");
    usage.reasoningTokens = count(metadata, u"thoughtsTokenCount");
    usage.completionTokens = count(metadata, u"candidatesTokenCount") + usage.reasoningTokens;
    usage.cachedTokens = count(metadata, u"cachedContentTokenCount");
    return usage;
}

QJsonObject usageToJson(const Usage& usage) {
    const qint64 prompt = qMax<qint64>(usage.promptTokens, 0);
    const qint64 completion = qMax<qint64>(usage.completionTokens, 0);
    return QJsonObject{
        {"prompt_tokens", prompt},
        {"completion_tokens", completion},
        {"total_tokens", prompt + completion},
        {"prompt_tokens_details", QJsonObject{{"cached_tokens", usage.cachedTokens}}},
        {"completion_tokens_details", QJsonObject{{"reasoning_tokens", usage.reasoningTokens}}}};
}

}  // namespace ar::gemini
