#include "providers/openai/OpenAiTranslator.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUrlQuery>

namespace ar {

namespace {

const char* pathFor(Endpoint e) {
    switch (e) {
        case Endpoint::ChatCompletions: return "/chat/completions";
        case Endpoint::Embeddings: return "/embeddings";
        case Endpoint::ImageGenerations: return "/images/generations";
    }
    return "";
}

bool isAzure(const ProviderConfig& p) { return p.type == QLatin1String("azure"); }

}  // namespace

OpenAiTranslator::OpenAiTranslator(const ProviderConfig& provider, Endpoint endpoint)
    : m_provider(provider), m_endpoint(endpoint) {}

QUrl OpenAiTranslator::endpointUrl(const QString& upstreamModel) const {
    QUrl url = m_provider.baseUrl;
    if (isAzure(m_provider)) {
        // Azure addresses a deployment (our upstream model) and pins an api-version.
        url.setPath(url.path() + QStringLiteral("/openai/deployments/") + upstreamModel +
                    QLatin1String(pathFor(m_endpoint)));
        QUrlQuery q;
        q.addQueryItem(QStringLiteral("api-version"), m_provider.apiVersion.isEmpty()
                                                          ? QStringLiteral("2024-10-21")
                                                          : m_provider.apiVersion);
        url.setQuery(q);
    } else {
        url.setPath(url.path() + QLatin1String(pathFor(m_endpoint)));
    }
    return url;
}

Result<UpstreamRequest> OpenAiTranslator::buildRequest(const QJsonObject& request,
                                                       const QString& upstreamModel) {
    UpstreamRequest out;
    out.url = endpointUrl(upstreamModel);
    out.stream = m_endpoint == Endpoint::ChatCompletions &&
                 request.value(QStringLiteral("stream")).toBool();
    out.headers.append({QByteArray("Content-Type"), QByteArray("application/json")});
    if (!m_provider.apiKey.isEmpty()) {
        if (isAzure(m_provider))
            out.headers.append({"api-key", m_provider.apiKey.toUtf8()});
        else
            out.headers.append({"Authorization", "Bearer " + m_provider.apiKey.toUtf8()});
    }
    if (out.stream) out.headers.append({QByteArray("Accept"), QByteArray("text/event-stream")});
    out.headers.append(m_provider.extraHeaders);

    const QJsonObject streamOptions = request.value(QStringLiteral("stream_options")).toObject();
    m_clientWantsUsage = streamOptions.value(QStringLiteral("include_usage")).toBool();
    const bool sameModel = request.value(QStringLiteral("model")).toString() == upstreamModel;
    const bool needsUsageOption = out.stream && !m_clientWantsUsage;
    if (sameModel && !needsUsageOption && !m_clientBody.isEmpty()) {
        out.body = m_clientBody;  // nothing to change: forward the bytes as received
        return out;
    }
    QJsonObject body = request;
    body.insert(QStringLiteral("model"), upstreamModel);
    if (needsUsageOption) {
        // Ask for the usage chunk so streamed requests are never accounted at zero.
        QJsonObject so = streamOptions;
        so.insert(QStringLiteral("include_usage"), true);
        body.insert(QStringLiteral("stream_options"), so);
    }
    out.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    return out;
}

Usage OpenAiTranslator::parseUsage(const QJsonObject& u) {
    Usage usage;
    if (u.isEmpty()) return usage;
    if (u.contains(QStringLiteral("prompt_tokens")))
        usage.promptTokens = u.value(QStringLiteral("prompt_tokens")).toInteger();
    else if (u.contains(QStringLiteral("input_tokens")))  // images API (gpt-image)
        usage.promptTokens = u.value(QStringLiteral("input_tokens")).toInteger();
    if (u.contains(QStringLiteral("completion_tokens")))
        usage.completionTokens = u.value(QStringLiteral("completion_tokens")).toInteger();
    else if (u.contains(QStringLiteral("output_tokens")))
        usage.completionTokens = u.value(QStringLiteral("output_tokens")).toInteger();
    else if (usage.promptTokens >= 0)
        usage.completionTokens = 0;  // embeddings: prompt only
    usage.cachedTokens = u.value(QStringLiteral("prompt_tokens_details"))
                             .toObject()
                             .value(QStringLiteral("cached_tokens"))
                             .toInteger();
    usage.reasoningTokens = u.value(QStringLiteral("completion_tokens_details"))
                                .toObject()
                                .value(QStringLiteral("reasoning_tokens"))
                                .toInteger();
    return usage;
}

Result<TranslatedBody> OpenAiTranslator::translateResponse(const QByteArray& body) {
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (!doc.isObject())
        return ApiError::badGateway(QStringLiteral("The upstream answered with invalid JSON."),
                                    QStringLiteral("upstream_invalid_response"));
    m_usage = parseUsage(doc.object().value(QStringLiteral("usage")).toObject());
    return TranslatedBody{body, m_usage};
}

Status OpenAiTranslator::translateEvent(const SseEvent& event, QList<QByteArray>& out) {
    const QByteArray& data = event.data;
    if (data == "[DONE]") {
        m_done = true;
        return Ok{};
    }
    // Only chunks that can carry usage or an error need parsing; text deltas pass as bytes.
    const bool mayCarryUsage = data.contains("\"usage\":{") || data.contains("\"usage\": {");
    const bool mayBeError = data.startsWith("{\"error\"") || data.startsWith("{ \"error\"");
    if (!mayCarryUsage && !mayBeError) {
        out.append(data);
        return Ok{};
    }
    const QJsonObject chunk = QJsonDocument::fromJson(data).object();
    if (chunk.contains(QStringLiteral("error")))
        return translateError(502, data);
    const QJsonValue usage = chunk.value(QStringLiteral("usage"));
    if (usage.isObject()) m_usage = parseUsage(usage.toObject());
    const bool usageOnly = chunk.value(QStringLiteral("choices")).toArray().isEmpty();
    if (usageOnly && !m_clientWantsUsage) return Ok{};  // we asked for it, the client did not
    out.append(data);
    return Ok{};
}

Status OpenAiTranslator::finishStream(QList<QByteArray>& out) {
    Q_UNUSED(out);
    if (!m_done)
        return ApiError::badGateway(QStringLiteral("The upstream stream ended before completion."),
                                    QStringLiteral("upstream_stream_cut"));
    return Ok{};
}

ApiError OpenAiTranslator::translateError(int status, const QByteArray& body) const {
    ApiError e;
    e.status = status;
    const QJsonObject err = QJsonDocument::fromJson(body).object().value(QStringLiteral("error")).toObject();
    if (err.isEmpty()) {
        e.type = QStringLiteral("upstream_error");
        e.message = QStringLiteral("The upstream provider '%1' answered HTTP %2.").arg(m_provider.id).arg(status);
        e.code = QStringLiteral("upstream_error");
        return e;
    }
    e.message = err.value(QStringLiteral("message")).toString();
    if (!m_provider.apiKey.isEmpty()) e.message.replace(m_provider.apiKey, QStringLiteral("***"));
    e.type = err.value(QStringLiteral("type")).toString(QStringLiteral("upstream_error"));
    e.param = err.value(QStringLiteral("param")).toString();
    const QJsonValue code = err.value(QStringLiteral("code"));
    e.code = code.isDouble() ? QString::number(code.toInt()) : code.toString();
    return e;
}

}  // namespace ar
