#include "api/ApiHandler.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

#include "admin/AdminHandler.h"
#include "api/ProxyExchange.h"
#include "api/RequestValidation.h"
#include "auth/ApiKey.h"
#include "core/GatewayContext.h"
#include "http/HttpResponder.h"
#include "oauth/OAuthHandler.h"
#include "upstream/UpstreamPool.h"
#include "usage/CostControls.h"
#include "usage/Metrics.h"

namespace ar {

namespace {

struct ApiRoute {
    const char* path;
    const char* method;
};

constexpr ApiRoute kRoutes[] = {
    {"/health", "GET"},
    {"/metrics", "GET"},
    {"/v1/models", "GET"},
    {"/v1/me", "GET"},
    {"/v1/chat/completions", "POST"},
    {"/v1/embeddings", "POST"},
    {"/v1/images/generations", "POST"},
};

RequestEvent baseEvent(GatewayContext& ctx, const HttpRequest& request, const QString& keyId) {
    RequestEvent e;
    e.requestId = ctx.nextRequestId.fetch_add(1);
    e.timestampMs = QDateTime::currentMSecsSinceEpoch();
    e.method = QString::fromLatin1(request.method);
    e.path = QString::fromUtf8(request.path);
    e.keyId = keyId;
    return e;
}

}  // namespace

ApiHandler::ApiHandler(GatewayContext& context)
    : m_context(context), m_pool(new UpstreamPool) {}

ApiHandler::~ApiHandler() { delete m_pool; }

void ApiHandler::reply(HttpResponder* responder, const HttpRequest& request, const ApiError& error,
                       const QString& keyId, const QString& model) {
    HttpHeaders headers;
    if (error.retryAfterSeconds >= 0)
        headers.append({"Retry-After", QByteArray::number(error.retryAfterSeconds)});
    if (error.status == 401) headers.append({QByteArray("WWW-Authenticate"), QByteArray("Bearer")});
    if (request.path != "/health") {  // probes would drown the log
        RequestEvent e = baseEvent(m_context, request, keyId);
        e.kind = RequestEvent::Kind::Finished;
        e.model = model;
        e.status = error.status;
        e.errorCode = error.code.isEmpty() ? error.type : error.code;
        e.latencyMs = 0;
        m_context.events->publish(e);  // ledgered before the client sees the answer
    }
    responder->send(error.status, "application/json", error.toJson(), headers);
}

void ApiHandler::replyJson(HttpResponder* responder, const HttpRequest& request,
                           const QByteArray& body, const QString& keyId) {
    if (request.path != "/health") {
        RequestEvent e = baseEvent(m_context, request, keyId);
        e.kind = RequestEvent::Kind::Finished;
        e.status = 200;
        e.latencyMs = 0;
        m_context.events->publish(e);
    }
    responder->send(200, "application/json", body);
}

void ApiHandler::handle(HttpRequest&& request, HttpResponder* responder) {
    if (request.path.startsWith("/admin/")) {  // its own guard (loopback, Host, admin token)
        AdminHandler(m_context).handle(std::move(request), responder);
        return;
    }
    if (OAuthHandler::handles(request.path)) {  // sign-in for the admin API, same guard
        OAuthHandler(m_context).handle(request, responder);
        return;
    }
    const QString path = QString::fromUtf8(request.path);
    const ApiRoute* route = nullptr;
    bool pathKnown = false;
    for (const ApiRoute& r : kRoutes) {
        if (request.path != r.path) continue;
        pathKnown = true;
        if (request.method == r.method) route = &r;
    }
    if (!pathKnown) {
        reply(responder, request,
              ApiError::notFound(QStringLiteral("Unknown path: %1 %2.")
                                     .arg(QString::fromLatin1(request.method), path),
                                 QStringLiteral("unknown_url")));
        return;
    }
    if (!route) {
        reply(responder, request,
              ApiError::methodNotAllowed(QString::fromLatin1(request.method), path));
        return;
    }
    if (request.path == "/health") {
        const QJsonObject health{
            {QStringLiteral("status"), QStringLiteral("ok")},
            {QStringLiteral("version"), QStringLiteral(AR_VERSION)},
            {QStringLiteral("uptime_s"), m_context.startedAt.secsTo(QDateTime::currentDateTimeUtc())}};
        replyJson(responder, request, QJsonDocument(health).toJson(QJsonDocument::Compact), {});
        return;
    }
    if (request.path == "/metrics") return metrics(request, responder);

    const QByteArray presented =
        apikey::fromHeaders(request.header("authorization"), request.header("x-api-key"));
    if (presented.isEmpty()) {
        reply(responder, request,
              ApiError::unauthorized(
                  QStringLiteral("Missing API key. Send your gateway key as 'Authorization: "
                                 "Bearer sk-ar-...' or in the 'x-api-key' header."),
                  QStringLiteral("missing_api_key")));
        return;
    }
    const std::optional<KeyRecord> key = m_context.keys->verify(presented);
    if (!key) {
        reply(responder, request,
              ApiError::unauthorized(QStringLiteral("Incorrect API key provided: %1.")
                                         .arg(apikey::redact(presented))));
        return;
    }

    if (request.path == "/v1/me") {
        QJsonObject me = key->toPublicJson();
        // Spend, remaining budget and reset time of the key's current budget period.
        if (m_context.costControls) me.insert(QStringLiteral("usage"), m_context.costControls->describe(*key));
        replyJson(responder, request, QJsonDocument(me).toJson(QJsonDocument::Compact), key->id);
        return;
    }
    if (request.path == "/v1/models") {
        QJsonArray data;
        for (const QString& model : m_context.router.publicModels()) {
            const QList<ResolvedTarget> targets = m_context.router.resolve(model);
            data.append(QJsonObject{
                {QStringLiteral("id"), model},
                {QStringLiteral("object"), QStringLiteral("model")},
                {QStringLiteral("created"), m_context.startedAt.toSecsSinceEpoch()},
                {QStringLiteral("owned_by"),
                 targets.isEmpty() ? QStringLiteral("agentrouter") : targets.first().provider->id}});
        }
        const QJsonObject list{{QStringLiteral("object"), QStringLiteral("list")},
                               {QStringLiteral("data"), data}};
        replyJson(responder, request, QJsonDocument(list).toJson(QJsonDocument::Compact), key->id);
        return;
    }
    const Endpoint endpoint = request.path == "/v1/chat/completions" ? Endpoint::ChatCompletions
                              : request.path == "/v1/embeddings"     ? Endpoint::Embeddings
                                                                     : Endpoint::ImageGenerations;
    proxy(endpoint, std::move(request), responder, *key);
}

void ApiHandler::metrics(const HttpRequest& request, HttpResponder* responder) {
    // No key: scrapers rarely send one. Loopback peers and loopback Host names only, like the
    // admin API, so neither the network nor a rebinding web page can read it.
    if (!AdminHandler::isLoopbackPeer(request.peer) || !AdminHandler::isLoopbackHost(request.header("host"))) {
        reply(responder, request,
              ApiError::forbidden(QStringLiteral("/metrics only answers on this machine (loopback "
                                                 "address and a 127.0.0.1, localhost or [::1] Host)."),
                                  QStringLiteral("metrics_loopback_only")));
        return;
    }
    const QByteArray body = m_context.metrics ? m_context.metrics->exposition() : QByteArray();
    responder->send(200, "text/plain; version=0.0.4; charset=utf-8", body, {{"Cache-Control", "no-store"}});
}

void ApiHandler::proxy(Endpoint endpoint, HttpRequest&& request, HttpResponder* responder,
                       const KeyRecord& key) {
    auto parsed = readRequest(endpoint, request.body);
    if (!parsed) {
        reply(responder, request, parsed.error(), key.id);
        return;
    }
    const QString model = parsed->model();
    QList<ResolvedTarget> targets = m_context.router.resolve(model);
    if (targets.isEmpty()) {
        reply(responder, request, ApiError::modelNotFound(model), key.id, model);
        return;
    }
    RequestEvent started = baseEvent(m_context, request, key.id);
    started.kind = RequestEvent::Kind::Started;
    started.keyName = key.name;
    started.model = model;
    started.stream = endpoint == Endpoint::ChatCompletions && parsed->stream();
    // Key policy and budgets, before anything is forwarded; an admitted request holds its
    // slot until its Finished event.
    if (m_context.costControls) {
        Status admitted = m_context.costControls->admit(key, endpoint, *parsed, targets.first().upstreamModel,
                                                        started.requestId);
        if (!admitted) {
            reply(responder, request, admitted.error(), key.id, model);
            return;
        }
    }
    if (m_context.events->wants(RequestEvent::Kind::Started)) {  // the window's live log
        started.payload = request.body.left(EventBus::kMaxPayloadBytes);
        m_context.events->publish(started);
        started.payload.clear();
    }

    auto* exchange = new ProxyExchange(m_context, *m_pool, responder, std::move(started), endpoint,
                                       std::move(parsed.value()), std::move(targets));
    exchange->start();
}

}  // namespace ar
