#include "admin/AdminHandler.h"

#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QThreadPool>

#include "admin/AdminServices.h"
#include "admin/UsageEndpoint.h"
#include "auth/ApiKey.h"
#include "core/GatewayContext.h"
#include "http/HttpResponder.h"

namespace ar {

namespace {

// What one admin call answers: a status and a JSON body (an OpenAI-shaped error or a result).
struct Answer {
    int status = 200;
    QByteArray body;
    bool unauthorized = false;
};

Answer ok(const QJsonObject& body, int status = 200) {
    return {status, QJsonDocument(body).toJson(QJsonDocument::Compact)};
}

Answer fail(const ApiError& e) { return {e.status, e.toJson(), e.status == 401}; }

void send(HttpResponder* responder, const Answer& a) {
    // no-store: answers carry secrets (new keys) and must not sit in any cache. No CORS headers.
    HttpHeaders headers{{"Cache-Control", "no-store"}};
    if (a.unauthorized) headers.append({QByteArray("WWW-Authenticate"), QByteArray("Bearer")});
    responder->send(a.status, "application/json", a.body, headers);
}

// A QObject living in the calling worker thread, for answers posted back from the services
// thread. Worker threads end only inside Gateway::stop() on the services thread, so a
// QPointer to it is never read while it is being destroyed.
QObject* workerRelay() {
    thread_local QObject relay;
    return &relay;
}

QJsonObject list(const QJsonArray& data) {
    return QJsonObject{{QStringLiteral("object"), QStringLiteral("list")},
                       {QStringLiteral("data"), data}};
}

Result<QJsonObject> bodyObject(const HttpRequest& request) {
    if (request.body.trimmed().isEmpty()) return QJsonObject{};
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(request.body, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return ApiError::badRequest(QStringLiteral("The body must be a JSON object."), {},
                                    QStringLiteral("invalid_json"));
    return doc.object();
}

ApiError unknownPath(const HttpRequest& request) {
    return ApiError::notFound(
        QStringLiteral("Unknown path: %1 %2.")
            .arg(QString::fromLatin1(request.method), QString::fromUtf8(request.path)),
        QStringLiteral("unknown_url"));
}

ApiError wrongMethod(const HttpRequest& request) {
    return ApiError::methodNotAllowed(QString::fromLatin1(request.method),
                                      QString::fromUtf8(request.path));
}

bool isDigits(QByteArrayView s) {
    if (s.isEmpty() || s.size() > 5) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

QJsonObject issuedJson(const IssuedKey& key) {
    return QJsonObject{{QStringLiteral("key"), KeyService::toJson(key.record)},
                       {QStringLiteral("secret"), key.secret}};
}

}  // namespace

AdminHandler::AdminHandler(GatewayContext& context) : m_context(context) {}

bool AdminHandler::isLoopbackPeer(const QByteArray& peer) {
    QHostAddress address(QString::fromLatin1(peer));
    bool mapped = false;
    const quint32 v4 = address.toIPv4Address(&mapped);  // also unwraps ::ffff:a.b.c.d
    if (mapped) return (v4 >> 24) == 127;
    return address.isLoopback();
}

bool AdminHandler::isLoopbackHost(QByteArrayView host) {
    host = host.trimmed();
    QByteArrayView name = host, port;
    if (host.startsWith('[')) {
        const qsizetype close = host.indexOf(']');
        if (close < 0) return false;
        name = host.sliced(1, close - 1);
        const QByteArrayView rest = host.sliced(close + 1);
        if (!rest.isEmpty()) {
            if (!rest.startsWith(':')) return false;
            port = rest.sliced(1);
            if (!isDigits(port)) return false;
        }
        return name == QByteArrayView("::1");
    }
    const qsizetype colon = host.lastIndexOf(':');
    if (colon >= 0) {
        name = host.first(colon);
        if (!isDigits(host.sliced(colon + 1))) return false;
    }
    return name == QByteArrayView("127.0.0.1") ||
           QByteArrayView(name).compare(QByteArrayView("localhost"), Qt::CaseInsensitive) == 0;
}

void AdminHandler::handle(HttpRequest&& request, HttpResponder* responder) {
    if (!isLoopbackPeer(request.peer)) {
        send(responder,
             fail(ApiError::forbidden(QStringLiteral("The admin API only answers on this machine."),
                                      QStringLiteral("admin_loopback_only"))));
        return;
    }
    if (!isLoopbackHost(request.header("host"))) {
        // A page on evil.example re-pointed at 127.0.0.1 (DNS rebinding) still says evil.example.
        send(responder,
             fail(ApiError::forbidden(QStringLiteral("The Host header must be 127.0.0.1, localhost "
                                                     "or [::1] (with an optional port)."),
                                      QStringLiteral("admin_bad_host"))));
        return;
    }
    AdminServices* services = m_context.admin;
    if (!services || !services->token().isSet()) {
        send(responder,
             fail(ApiError{
                 503,
                 QStringLiteral("The admin API is off: its token could not be read from "
                                "or stored in a keychain (see the gateway's startup messages)."),
                 QStringLiteral("server_error"),
                 {},
                 QStringLiteral("admin_api_off")}));
        return;
    }
    const QByteArray presented = apikey::fromHeaders(request.header("authorization"), {});
    if (presented.isEmpty()) {
        send(responder,
             fail(ApiError::unauthorized(
                 QStringLiteral("Missing admin token. Send it as 'Authorization: "
                                "Bearer ar-admin-...' (`agentrouter admin-token` prints it)."),
                 QStringLiteral("missing_admin_token"))));
        return;
    }
    // The admin token, or an unexpired access token granted by a device-flow sign-in.
    if (!services->token().verify(presented) &&
        !services->deviceFlow().tokens().verify(presented)) {
        send(responder, fail(ApiError::unauthorized(QStringLiteral("Incorrect admin token."),
                                                    QStringLiteral("invalid_admin_token"))));
        return;
    }
    const QList<QByteArray> parts = request.path.split('/');
    // "", "admin", "v1", <collection>, ...
    if (parts.size() < 4 || parts[1] != "admin" || parts[2] != "v1" || parts[3].isEmpty()) {
        send(responder, fail(unknownPath(request)));
        return;
    }
    route(request, parts, responder);
}

void AdminHandler::onServicesThread(HttpResponder* responder,
                                    std::function<void(AdminServices&, Reply)> work) {
    AdminServices* services = m_context.admin;
    QPointer<HttpResponder> client(responder);
    QPointer<QObject> relay(workerRelay());
    QMetaObject::invokeMethod(
        services,
        [services, client, relay, work = std::move(work)] {
            work(*services, [client, relay](int status, const QJsonObject& body) {
                if (!relay) return;  // the gateway stopped meanwhile
                // The client may be gone by now: only the worker thread can tell safely.
                QMetaObject::invokeMethod(
                    relay.data(),
                    [client, status, body] {
                        if (client) send(client, ok(body, status));
                    },
                    Qt::QueuedConnection);
            });
        },
        Qt::QueuedConnection);
}

void AdminHandler::route(const HttpRequest& request, const QList<QByteArray>& parts,
                         HttpResponder* responder) {
    const QByteArray& collection = parts[3];
    if (collection == "keys") return keys(request, parts, responder);
    if (collection == "usage") return usage(request, parts, responder);
    if (collection == "providers") return providers(request, parts, responder);
    if (collection == "device") return device(request, parts, responder);
    if ((collection == "routes" || collection == "settings") && parts.size() == 4) {
        if (request.method != "GET") return send(responder, fail(wrongMethod(request)));
        if (collection == "routes") {
            QJsonArray routes;
            for (const Route& r : m_context.config.routes) {
                QJsonArray targets;
                for (const RouteTarget& t : r.targets)
                    targets.append(QJsonObject{{QStringLiteral("provider"), t.providerId},
                                               {QStringLiteral("model"), t.upstreamModel},
                                               {QStringLiteral("weight"), t.weight}});
                routes.append(QJsonObject{{QStringLiteral("model"), r.model},
                                          {QStringLiteral("targets"), targets}});
            }
            return send(responder, ok(list(routes)));
        }
        const ServerSettings& s = m_context.config.server;
        const SecretStore* store = m_context.admin->secretStore();
        return send(
            responder,
            ok(QJsonObject{
                {QStringLiteral("server"),
                 QJsonObject{{QStringLiteral("bind"), s.bind},
                             {QStringLiteral("port"), s.port},
                             {QStringLiteral("workers"), s.workers},
                             {QStringLiteral("max_header_bytes"), s.limits.maxHeaderBytes},
                             {QStringLiteral("max_body_bytes"), s.limits.maxBodyBytes},
                             {QStringLiteral("idle_timeout_ms"), s.limits.idleTimeoutMs},
                             {QStringLiteral("request_timeout_ms"), s.limits.requestTimeoutMs},
                             {QStringLiteral("max_connections"), s.limits.maxConnections}}},
                {QStringLiteral("secret_store"),
                 store ? store->description() : QStringLiteral("none")}}));
    }
    send(responder, fail(unknownPath(request)));
}

void AdminHandler::usage(const HttpRequest& request, const QList<QByteArray>& parts,
                         HttpResponder* responder) {
    if (request.method != "GET") return send(responder, fail(wrongMethod(request)));
    if (parts.size() > 5) return send(responder, fail(unknownPath(request)));
    UsageQueries* queries = m_context.usage;
    if (!queries)
        return send(responder, fail(ApiError{503, QStringLiteral("The usage ledger is off in this gateway's config."),
                                             QStringLiteral("server_error"), {}, QStringLiteral("ledger_off")}));
    QPointer<HttpResponder> client(responder);
    QPointer<QObject> relay(workerRelay());
    m_context.background->start([queries, client, relay, sub = parts.size() == 5 ? parts[4] : QByteArray(),
                                          query = request.query] {
        Result<UsageAnswer> answer = answerUsage(*queries, sub, query, QDateTime::currentDateTimeUtc());
        if (!relay) return;  // the gateway stopped meanwhile
        QMetaObject::invokeMethod(
            relay.data(),
            [client, answer = std::move(answer)] {
                if (!client) return;  // the client went away meanwhile
                if (!answer) return send(client, fail(answer.error()));
                client->send(200, answer->contentType, answer->body, {{"Cache-Control", "no-store"}});
            },
            Qt::QueuedConnection);
    });
}

void AdminHandler::keys(const HttpRequest& request, const QList<QByteArray>& parts,
                        HttpResponder* responder) {
    KeyService& service = m_context.admin->keys();
    const QByteArray& method = request.method;
    auto body = bodyObject(request);
    if (!body) return send(responder, fail(body.error()));

    if (parts.size() == 4) {  // /admin/v1/keys
        if (method == "GET") {
            QJsonArray data;
            for (const KeyRecord& r : service.list()) data.append(KeyService::toJson(r));
            return send(responder, ok(list(data)));
        }
        if (method != "POST") return send(responder, fail(wrongMethod(request)));
        const QJsonValue name = body->value(QStringLiteral("name"));
        const QJsonValue policy = body->value(QStringLiteral("policy"));
        if (!name.isString())
            return send(responder,
                        fail(ApiError::badRequest(QStringLiteral("'name' must be a string."),
                                                  QStringLiteral("name"))));
        if (!policy.isUndefined() && !policy.isObject())
            return send(responder,
                        fail(ApiError::badRequest(QStringLiteral("'policy' must be an object."),
                                                  QStringLiteral("policy"))));
        auto issued = service.create(name.toString(), policy.toObject());
        if (!issued) return send(responder, fail(issued.error()));
        if (!body->value(QStringLiteral("store_in_keychain")).toBool())
            return send(responder, ok(issuedJson(*issued), 201));
        return onServicesThread(responder, [key = *issued](AdminServices& s, Reply reply) {
            s.keys().rememberSecret(key, &s, [key, reply](Status st) {
                QJsonObject out = issuedJson(key);
                out.insert(QStringLiteral("stored_in_keychain"), bool(st));
                if (!st) out.insert(QStringLiteral("keychain_error"), st.error().message);
                reply(201, out);
            });
        });
    }

    const QString id = QString::fromUtf8(parts[4]);
    if (parts.size() == 5) {  // /admin/v1/keys/{id}
        if (method == "GET") {
            auto r = service.show(id);
            return send(responder, r ? ok(KeyService::toJson(*r)) : fail(r.error()));
        }
        if (method == "PATCH") {
            const QJsonValue policy = body->value(QStringLiteral("policy"));
            if (!policy.isObject())
                return send(responder,
                            fail(ApiError::badRequest(QStringLiteral("'policy' must be an object."),
                                                      QStringLiteral("policy"))));
            auto r = service.updatePolicy(id, policy.toObject());
            return send(responder, r ? ok(KeyService::toJson(*r)) : fail(r.error()));
        }
        if (method == "DELETE") {
            if (Status st = service.revoke(id); !st) return send(responder, fail(st.error()));
            auto r = service.show(id);
            const QJsonObject out =
                r ? KeyService::toJson(*r) : QJsonObject{{QStringLiteral("id"), id}};
            if (!m_context.admin->secretStore()) return send(responder, ok(out));
            // A revoked key's keychain copy is useless: drop it (a failure does not undo the
            // revocation).
            return onServicesThread(responder, [id, out](AdminServices& s, Reply reply) {
                s.keys().forgetSecret(id, &s, [out, reply](Status) { reply(200, out); });
            });
        }
        return send(responder, fail(wrongMethod(request)));
    }

    if (parts.size() == 6 && parts[5] == "rotate") {
        if (method != "POST") return send(responder, fail(wrongMethod(request)));
        auto issued = service.rotate(id);
        if (!issued) return send(responder, fail(issued.error()));
        const bool remember = body->value(QStringLiteral("store_in_keychain")).toBool();
        if (!m_context.admin->secretStore() && !remember)
            return send(responder, ok(issuedJson(*issued)));
        // Either keep the new plaintext or drop the stale copy of the old one.
        return onServicesThread(
            responder, [key = *issued, remember](AdminServices& s, Reply reply) {
                auto answer = [key, remember, reply](Status st) {
                    QJsonObject out = issuedJson(key);
                    out.insert(QStringLiteral("stored_in_keychain"), remember && bool(st));
                    if (!st) out.insert(QStringLiteral("keychain_error"), st.error().message);
                    reply(200, out);
                };
                if (remember)
                    s.keys().rememberSecret(key, &s, answer);
                else
                    s.keys().forgetSecret(key.record.id, &s, answer);
            });
    }

    if (parts.size() == 6 && parts[5] == "secret") {
        if (method != "GET") return send(responder, fail(wrongMethod(request)));
        auto r = service.show(id);
        if (!r) return send(responder, fail(r.error()));
        if (r->revoked)
            return send(responder,
                        fail(ApiError::notFound(QStringLiteral("Key '%1' is revoked.").arg(id),
                                                QStringLiteral("key_revoked"))));
        return onServicesThread(responder, [id](AdminServices& s, Reply reply) {
            s.keys().recallSecret(id, &s, [id, reply](Result<std::optional<QByteArray>> secret) {
                if (!secret) {
                    const ApiError& e = secret.error();
                    reply(e.status, QJsonDocument::fromJson(e.toJson()).object());
                } else if (!secret.value()) {
                    const ApiError e = ApiError::notFound(
                        QStringLiteral("No copy of key '%1' is kept in the keychain.").arg(id),
                        QStringLiteral("secret_not_kept"));
                    reply(e.status, QJsonDocument::fromJson(e.toJson()).object());
                } else {
                    reply(200, QJsonObject{
                                   {QStringLiteral("id"), id},
                                   {QStringLiteral("secret"), QString::fromUtf8(*secret.value())}});
                }
            });
        });
    }
    send(responder, fail(unknownPath(request)));
}

void AdminHandler::providers(const HttpRequest& request, const QList<QByteArray>& parts,
                             HttpResponder* responder) {
    if (parts.size() == 4) {
        if (request.method != "GET") return send(responder, fail(wrongMethod(request)));
        QJsonArray data;
        const ProviderCredentials& live = *m_context.admin->credentials();
        for (const ProviderConfig& p : m_context.config.providers) {
            // Never the credential, not even a part of it: only where it comes from and whether it
            // is set.
            const bool fromKeychain = live.has(p.id);
            data.append(QJsonObject{
                {QStringLiteral("id"), p.id},
                {QStringLiteral("type"), p.type},
                {QStringLiteral("base_url"), p.baseUrl.toString()},
                {QStringLiteral("credential"),
                 QJsonObject{
                     {QStringLiteral("source"), p.credential},
                     {QStringLiteral("api_key_env"), p.apiKeyEnv},
                     {QStringLiteral("set"), fromKeychain || !p.apiKey.isEmpty()},
                     {QStringLiteral("from"), fromKeychain         ? QStringLiteral("keychain")
                                              : p.apiKey.isEmpty() ? QStringLiteral("none")
                                                                   : QStringLiteral("env")}}},
                // The circuit breaker's view: up, down (cooling down) or half_open (probing).
                {QStringLiteral("health"), m_context.health.toJson(p.id)}});
        }
        return send(responder, ok(list(data)));
    }
    if (parts.size() != 6 || parts[5] != "credential")
        return send(responder, fail(unknownPath(request)));
    const QString id = QString::fromUtf8(parts[4]);
    const ProviderConfig* provider = m_context.config.provider(id);
    if (!provider)
        return send(responder,
                    fail(ApiError::notFound(QStringLiteral("No provider with id '%1'.").arg(id),
                                            QStringLiteral("provider_not_found"))));
    if (provider->credential != QLatin1String("keychain"))
        return send(
            responder,
            fail(ApiError::badRequest(
                QStringLiteral("Provider '%1' takes its credential from the environment (%2). Set "
                               "\"credential\": "
                               "\"keychain\" in its config to keep it in the keychain.")
                    .arg(id, provider->apiKeyEnv),
                QStringLiteral("credential"), QStringLiteral("credential_not_in_keychain"))));
    auto reply = [id](Reply r) {
        return [id, r](Status st) {
            if (!st)
                r(st.error().status, QJsonDocument::fromJson(st.error().toJson()).object());
            else
                r(200,
                  QJsonObject{{QStringLiteral("id"), id},
                              {QStringLiteral("object"), QStringLiteral("provider.credential")}});
        };
    };
    if (request.method == "PUT") {
        auto body = bodyObject(request);
        if (!body) return send(responder, fail(body.error()));
        const QString secret = body->value(QStringLiteral("api_key")).toString().trimmed();
        if (secret.isEmpty() || secret.contains(QLatin1Char('\n')))
            return send(responder,
                        fail(ApiError::badRequest(
                            QStringLiteral("'api_key' must be a non-empty single-line string."),
                            QStringLiteral("api_key"))));
        return onServicesThread(responder, [id, secret, reply](AdminServices& s, Reply r) {
            s.setProviderCredential(id, secret, &s, reply(r));
        });
    }
    if (request.method == "DELETE")
        return onServicesThread(responder, [id, reply](AdminServices& s, Reply r) {
            s.deleteProviderCredential(id, &s, reply(r));
        });
    send(responder, fail(wrongMethod(request)));
}

// /admin/v1/device/...: the device-flow sign-ins waiting for a decision and the access tokens
// they granted.
void AdminHandler::device(const HttpRequest& request, const QList<QByteArray>& parts,
                          HttpResponder* responder) {
    DeviceFlow& flow = m_context.admin->deviceFlow();
    const QByteArray& method = request.method;
    const QByteArray what = parts.size() > 4 ? parts[4] : QByteArray();
    if (parts.size() == 5 && what == "requests") {
        if (method != "GET") return send(responder, fail(wrongMethod(request)));
        QJsonArray data;
        for (const DeviceRequest& r : flow.pending()) data.append(r.toJson());
        return send(responder, ok(list(data)));
    }
    if (parts.size() == 5 && (what == "approve" || what == "deny")) {
        if (method != "POST") return send(responder, fail(wrongMethod(request)));
        auto body = bodyObject(request);
        if (!body) return send(responder, fail(body.error()));
        const QJsonValue code = body->value(QStringLiteral("user_code"));
        if (!code.isString() || code.toString().trimmed().isEmpty())
            return send(responder, fail(ApiError::badRequest(
                                       QStringLiteral("'user_code' must be a non-empty string."),
                                       QStringLiteral("user_code"))));
        const bool approve = what == "approve";
        auto r = approve ? flow.approve(code.toString()) : flow.deny(code.toString());
        if (!r) return send(responder, fail(r.error()));
        QJsonObject out = r->toJson();
        out.insert(QStringLiteral("status"),
                   approve ? QStringLiteral("approved") : QStringLiteral("denied"));
        return send(responder, ok(out));
    }
    if (what == "tokens" && parts.size() == 5) {
        if (method != "GET") return send(responder, fail(wrongMethod(request)));
        QJsonArray data;
        for (const AccessTokenRecord& r : flow.tokens().list()) data.append(r.toJson());
        return send(responder, ok(list(data)));
    }
    if (what == "tokens" && parts.size() == 6) {
        if (method != "DELETE") return send(responder, fail(wrongMethod(request)));
        const QString id = QString::fromUtf8(parts[5]);
        if (Status st = flow.tokens().revoke(id); !st) return send(responder, fail(st.error()));
        return send(responder,
                    ok(QJsonObject{{QStringLiteral("id"), id},
                                   {QStringLiteral("object"), QStringLiteral("oauth.access_token")},
                                   {QStringLiteral("revoked"), true}}));
    }
    send(responder, fail(unknownPath(request)));
}

}  // namespace ar
