#include "providers/openai/OpenAiTranslator.h"

#include <QJsonDocument>
#include <QUrlQuery>

#include "core/SameUrl.h"
#include "providers/openai/JsonMember.h"

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

// Everything requestHead() reads from a provider's settings.
bool sameRequestSettings(const ProviderConfig& a, const ProviderConfig& b) {
    return a.apiKey == b.apiKey && a.type == b.type && a.apiVersion == b.apiVersion &&
           a.extraHeaders == b.extraHeaders && sameUrl(a.baseUrl, b.baseUrl);
}

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

UpstreamRequest OpenAiTranslator::requestHead(const QString& upstreamModel, bool stream) const {
    // A provider's URL and headers are the same from one request to the next: built once per
    // thread and reused while its settings are unchanged (QUrl's path handling and the header
    // strings cost more than the rest of a forwarded request's translation).
    struct Cached {
        ProviderConfig provider;  // the settings the head was built from
        Endpoint endpoint;
        bool stream;
        QString model;  // Azure only: the deployment is in the path
        UpstreamRequest head;
    };
    thread_local QList<Cached> cache;
    static constexpr qsizetype kMaxCached = 16;
    const bool azure = isAzure(m_provider);
    for (qsizetype i = 0; i < cache.size(); ++i) {
        const Cached& c = cache[i];
        if (c.endpoint == m_endpoint && c.stream == stream && (!azure || c.model == upstreamModel) &&
            sameRequestSettings(c.provider, m_provider)) {
            if (i > 0) cache.move(i, 0);
            return cache.first().head;
        }
    }
    UpstreamRequest out;
    out.url = endpointUrl(upstreamModel);
    out.stream = stream;
    out.headers.append({QByteArray("Content-Type"), QByteArray("application/json")});
    if (!m_provider.apiKey.isEmpty()) {
        if (azure)
            out.headers.append({"api-key", m_provider.apiKey.toUtf8()});
        else
            out.headers.append({"Authorization", "Bearer " + m_provider.apiKey.toUtf8()});
    }
    if (out.stream) out.headers.append({QByteArray("Accept"), QByteArray("text/event-stream")});
    out.headers.append(m_provider.extraHeaders);
    if (cache.size() >= kMaxCached) cache.removeLast();
    cache.prepend(Cached{m_provider, m_endpoint, stream, azure ? upstreamModel : QString(), out});
    return out;
}

Result<UpstreamRequest> OpenAiTranslator::translateRequest(const ClientRequest& request,
                                                           const QString& upstreamModel) {
    const bool stream = m_endpoint == Endpoint::ChatCompletions && request.stream();
    const bool needsUsageOption = stream && !request.includeUsage();
    if (request.model() != upstreamModel || needsUsageOption || request.body().isEmpty())
        return buildRequest(request.object(), upstreamModel);
    m_clientWantsUsage = request.includeUsage();
    UpstreamRequest out = requestHead(upstreamModel, stream);
    out.body = request.body();  // nothing to change: forward the bytes as received
    return out;
}

Result<UpstreamRequest> OpenAiTranslator::buildRequest(const QJsonObject& request,
                                                       const QString& upstreamModel) {
    UpstreamRequest out = requestHead(upstreamModel, m_endpoint == Endpoint::ChatCompletions &&
                                                         request.value(QStringLiteral("stream")).toBool());
    const QJsonObject streamOptions = request.value(QStringLiteral("stream_options")).toObject();
    m_clientWantsUsage = streamOptions.value(QStringLiteral("include_usage")).toBool();
    QJsonObject body = request;
    body.insert(QStringLiteral("model"), upstreamModel);
    if (out.stream && !m_clientWantsUsage) {
        // Ask for the usage chunk so streamed requests are never accounted at zero.
        QJsonObject so = streamOptions;
        so.insert(QStringLiteral("include_usage"), true);
        body.insert(QStringLiteral("stream_options"), so);
    }
    out.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    return out;
}

Usage OpenAiTranslator::parseUsage(QByteArrayView usageJson) {
    Usage usage;
    qint64 input = -1, output = -1;
    QByteArrayView promptDetails, completionDetails;
    const bool isObject = json_member::forEach(usageJson, [&](QByteArrayView key, QByteArrayView value) {
        if (key == "prompt_tokens") usage.promptTokens = json_member::toInteger(value, -1);
        else if (key == "completion_tokens") usage.completionTokens = json_member::toInteger(value, -1);
        else if (key == "input_tokens") input = json_member::toInteger(value, -1);     // images API (gpt-image)
        else if (key == "output_tokens") output = json_member::toInteger(value, -1);
        else if (key == "prompt_tokens_details") promptDetails = value;
        else if (key == "completion_tokens_details") completionDetails = value;
        return true;
    });
    if (!isObject) return usage;
    if (usage.promptTokens < 0) usage.promptTokens = input;
    if (usage.completionTokens < 0) usage.completionTokens = output;
    if (usage.completionTokens < 0 && usage.promptTokens >= 0) usage.completionTokens = 0;  // embeddings: prompt only
    if (auto cached = json_member::topLevel(promptDetails, "cached_tokens"))
        usage.cachedTokens = json_member::toInteger(*cached);
    if (auto reasoning = json_member::topLevel(completionDetails, "reasoning_tokens"))
        usage.reasoningTokens = json_member::toInteger(*reasoning);
    return usage;
}

Result<TranslatedBody> OpenAiTranslator::translateResponse(const QByteArray& body) {
    // The body goes to the client as received; only its usage is read (a full parse of every
    // answer cost more than the rest of the proxying).
    const std::optional<QByteArrayView> usage = json_member::topLevel(body, "usage");
    if (!usage)
        return ApiError::badGateway(QStringLiteral("The upstream answered with invalid JSON."),
                                    QStringLiteral("upstream_invalid_response"));
    m_usage = parseUsage(*usage);
    return TranslatedBody{body, m_usage};
}

Status OpenAiTranslator::translateEvent(const SseEvent& event, QList<QByteArray>& out) {
    const QByteArray& data = event.data;
    if (data == "[DONE]") {
        m_done = true;
        return Ok{};
    }
    // Only chunks that can carry usage or an error need parsing; text deltas pass as bytes.
    const bool mayCarryUsage = json_member::mentionsUsageObject(data);
    const bool mayBeError = data.startsWith("{\"error\"") || data.startsWith("{ \"error\"");
    if (!mayCarryUsage && !mayBeError) {
        out.append(data);
        return Ok{};
    }
    if (mayBeError && json_member::topLevel(data, "error").value_or(QByteArrayView()).startsWith('{'))
        return translateError(502, data);
    if (const auto usage = json_member::topLevel(data, "usage"); usage && usage->startsWith('{'))
        m_usage = parseUsage(*usage);
    const QByteArrayView choices = json_member::topLevel(data, "choices").value_or(QByteArrayView());
    const bool usageOnly = choices.isEmpty() || choices == "null" || choices.toByteArray().simplified().replace(' ', "") == "[]";
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
