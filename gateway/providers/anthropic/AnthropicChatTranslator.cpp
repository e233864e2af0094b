#include "providers/anthropic/AnthropicChatTranslator.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

#include "providers/anthropic/AnthropicRequestMapper.h"
#include "providers/anthropic/AnthropicWire.h"

namespace ar {

using namespace anthropic;

namespace {

using Header = std::pair<QByteArray, QByteArray>;

QByteArray compact(const QJsonValue& v) {
    return v.isObject() ? QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact)
                        : QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact);
}

// Replaces a header of the same name (case-insensitive) or appends it.
void setHeader(QList<Header>& headers, const QByteArray& name, const QByteArray& value) {
    for (Header& h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0) {
            h.second = value;
            return;
        }
    }
    headers.append(Header(name, value));
}

std::optional<QJsonObject> parseObject(const QByteArray& body) {
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject()) return std::nullopt;
    return doc.object();
}

// The parts of an Anthropic assistant message, regrouped the way OpenAI presents them.
struct AssistantParts {
    QStringList texts;
    QStringList thinking;
    QJsonArray thinkingBlocks;  // with signatures, so the client can replay them
    QJsonArray toolCalls;
};

AssistantParts collectParts(const QJsonArray& content) {
    AssistantParts parts;
    for (const QJsonValue& v : content) {
        const QJsonObject b = v.toObject();
        const QString type = b.value(QStringLiteral("type")).toString();
        if (type == QLatin1String(block::kText)) {
            parts.texts.append(b.value(QStringLiteral("text")).toString());
        } else if (type == QLatin1String(block::kThinking)) {
            parts.thinking.append(b.value(QStringLiteral("thinking")).toString());
            parts.thinkingBlocks.append(b);
        } else if (type == QLatin1String(block::kRedactedThinking)) {
            parts.thinkingBlocks.append(b);
        } else if (type == QLatin1String(block::kToolUse)) {
            const QJsonObject fn{
                {QStringLiteral("name"), b.value(QStringLiteral("name"))},
                {QStringLiteral("arguments"),
                 QString::fromUtf8(compact(b.value(QStringLiteral("input")).toObject()))}};
            parts.toolCalls.append(
                QJsonObject{{QStringLiteral("id"), b.value(QStringLiteral("id"))},
                            {QStringLiteral("type"), QStringLiteral("function")},
                            {QStringLiteral("function"), fn}});
        }
    }
    return parts;
}

QJsonObject assistantMessage(const AssistantParts& parts) {
    QJsonObject message{
        {QStringLiteral("role"), QStringLiteral("assistant")},
        {QStringLiteral("content"),
         parts.texts.isEmpty() ? QJsonValue() : QJsonValue(parts.texts.join(QString()))}};
    if (!parts.toolCalls.isEmpty()) message.insert(QStringLiteral("tool_calls"), parts.toolCalls);
    if (!parts.thinking.isEmpty()) {
        message.insert(QStringLiteral("reasoning_content"), parts.thinking.join(QString()));
    }
    if (!parts.thinkingBlocks.isEmpty()) {
        message.insert(QStringLiteral("thinking_blocks"), parts.thinkingBlocks);
    }
    return message;
}

}  // namespace

AnthropicChatTranslator::AnthropicChatTranslator(const ProviderConfig& provider)
    : m_provider(provider) {}

Result<UpstreamRequest> AnthropicChatTranslator::buildRequest(const QJsonObject& request,
                                                              const QString& upstreamModel) {
    auto mapped = mapChatRequest(request, upstreamModel);
    if (!mapped) return mapped.error();
    m_stream = StreamState(mapped->includeUsage);

    UpstreamRequest out;
    out.url = messagesUrl();
    out.headers = headers(mapped->betas);
    out.body = compact(mapped->body);
    out.stream = mapped->stream;
    return out;
}

Result<TranslatedBody> AnthropicChatTranslator::translateResponse(const QByteArray& body) {
    const auto msg = parseObject(body);
    if (!msg || !msg->value(QStringLiteral("content")).isArray()) {
        return ApiError::badGateway(QStringLiteral("upstream returned an unreadable message"),
                                    QStringLiteral("upstream_bad_response"));
    }
    WireUsage usage;
    usage.merge(msg->value(QStringLiteral("usage")).toObject());
    m_usage = usage.toUsage();

    const QJsonObject choice{
        {QStringLiteral("index"), 0},
        {QStringLiteral("message"),
         assistantMessage(collectParts(msg->value(QStringLiteral("content")).toArray()))},
        {QStringLiteral("logprobs"), QJsonValue()},
        {QStringLiteral("finish_reason"),
         finishReasonFor(msg->value(QStringLiteral("stop_reason")).toString())}};
    QJsonObject completion{{QStringLiteral("id"), msg->value(QStringLiteral("id"))},
                           {QStringLiteral("object"), QStringLiteral("chat.completion")},
                           {QStringLiteral("created"), QDateTime::currentSecsSinceEpoch()},
                           {QStringLiteral("model"), msg->value(QStringLiteral("model"))},
                           {QStringLiteral("choices"), QJsonArray{choice}}};
    const QJsonObject openAiUsage = usage.toOpenAiJson();
    if (!openAiUsage.isEmpty()) completion.insert(QStringLiteral("usage"), openAiUsage);
    return TranslatedBody{compact(completion), m_usage};
}

Status AnthropicChatTranslator::translateEvent(const SseEvent& event, QList<QByteArray>& out) {
    auto st = m_stream.handle(event, out);
    if (!st) return redacted(st.error());
    return st;
}

bool AnthropicChatTranslator::streamComplete() const { return m_stream.complete(); }

Status AnthropicChatTranslator::finishStream(QList<QByteArray>& out) {
    return m_stream.finish(out);
}

Usage AnthropicChatTranslator::usage() const {
    const Usage streamed = m_stream.usage();
    return streamed.known() ? streamed : m_usage;
}

ApiError AnthropicChatTranslator::translateError(int status, const QByteArray& body) const {
    const int clientStatus = clientStatusFor(status);
    if (const auto envelope = parseObject(body)) {
        if (auto e = errorFromEnvelope(*envelope, clientStatus)) return redacted(*e);
    }
    // Not Anthropic's envelope (e.g. an HTML page from a proxy): say only what we know.
    ApiError e;
    e.status = clientStatus;
    e.message = QStringLiteral("Anthropic returned HTTP %1 without a readable error.").arg(status);
    e.type = QStringLiteral("upstream_error");
    return e;
}

QUrl AnthropicChatTranslator::messagesUrl() const {
    QUrl url = m_provider.baseUrl;
    QString path = url.path();
    while (path.endsWith(QLatin1Char('/'))) path.chop(1);
    url.setPath(path + QLatin1String(kMessagesPath));
    return url;
}

QList<Header> AnthropicChatTranslator::headers(const QList<QByteArray>& betas) const {
    QList<Header> h;
    h.append(Header("content-type", "application/json"));
    if (!m_provider.apiKey.isEmpty()) h.append(Header(kApiKeyHeader, m_provider.apiKey.toUtf8()));
    h.append(Header(kVersionHeader, m_provider.apiVersion.isEmpty()
                                        ? QByteArray(kDefaultVersion)
                                        : m_provider.apiVersion.toUtf8()));
    for (const Header& extra : m_provider.extraHeaders) setHeader(h, extra.first, extra.second);
    if (betas.isEmpty()) return h;

    // Features the body needs join any betas the provider config already enables.
    QList<QByteArray> all = betas;
    for (const Header& existing : std::as_const(h)) {
        if (existing.first.compare(kBetaHeader, Qt::CaseInsensitive) == 0) {
            all.prepend(existing.second);
        }
    }
    setHeader(h, kBetaHeader, all.join(','));
    return h;
}

ApiError AnthropicChatTranslator::redacted(ApiError error) const {
    if (!m_provider.apiKey.isEmpty()) {
        error.message.replace(m_provider.apiKey, QStringLiteral("[redacted]"));
    }
    return error;
}

}  // namespace ar
