#include "oauth/OAuthHandler.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>

#include "admin/AdminHandler.h"
#include "admin/AdminServices.h"
#include "auth/ApiKey.h"
#include "core/GatewayContext.h"
#include "http/HttpResponder.h"
#include "oauth/DeviceFlow.h"

namespace ar {

namespace {

constexpr QLatin1StringView kDeviceGrant{"urn:ietf:params:oauth:grant-type:device_code"};

// Token answers must not be cached (RFC 6749 section 5.1).
const HttpHeaders kNoStore{{"Cache-Control", "no-store"}, {"Pragma", "no-cache"}};

void sendJson(HttpResponder* responder, int status, const QJsonObject& body,
              HttpHeaders headers = kNoStore) {
    responder->send(status, "application/json", QJsonDocument(body).toJson(QJsonDocument::Compact),
                    headers);
}

// RFC 6749 section 5.2: {"error": code, "error_description": text}.
void sendOAuthError(HttpResponder* responder, const ApiError& e) {
    HttpHeaders headers = kNoStore;
    if (e.status == 401)
        headers.append({"WWW-Authenticate", "Bearer error=\"" + e.code.toLatin1() + "\""});
    sendJson(responder, e.status,
             QJsonObject{{QStringLiteral("error"), e.code},
                         {QStringLiteral("error_description"), e.message}},
             headers);
}

ApiError oauthError(const QString& code, const QString& description, int status = 400) {
    return ApiError{status, description, QStringLiteral("oauth_error"), {}, code};
}

// application/x-www-form-urlencoded, where '+' is a space.
Result<QUrlQuery> formBody(const HttpRequest& request) {
    const QByteArray type = request.header("content-type").toLower();
    if (!type.startsWith("application/x-www-form-urlencoded"))
        return oauthError(QStringLiteral("invalid_request"),
                          QStringLiteral("The body must be application/x-www-form-urlencoded."));
    QByteArray body = request.body;
    body.replace('+', "%20");
    return QUrlQuery(QString::fromLatin1(body));
}

QString field(const QUrlQuery& form, const char* name) {
    return form.queryItemValue(QLatin1String(name), QUrl::FullyDecoded);
}

QString issuerOf(const HttpRequest& request) {
    return QStringLiteral("http://") + QString::fromLatin1(request.header("host").trimmed());
}

}  // namespace

OAuthHandler::OAuthHandler(GatewayContext& context) : m_context(context) {}

bool OAuthHandler::handles(QByteArrayView path) {
    return path == QByteArrayView("/.well-known/openid-configuration") ||
           path == QByteArrayView("/.well-known/oauth-authorization-server") ||
           path.startsWith(QByteArrayView("/oauth/"));
}

void OAuthHandler::handle(const HttpRequest& request, HttpResponder* responder) {
    auto fail = [&](const ApiError& e) {
        responder->send(e.status, "application/json", e.toJson(), kNoStore);
    };
    if (!AdminHandler::isLoopbackPeer(request.peer))
        return fail(ApiError::forbidden(QStringLiteral("Sign-in only answers on this machine."),
                                        QStringLiteral("admin_loopback_only")));
    if (!AdminHandler::isLoopbackHost(request.header("host")))
        return fail(
            ApiError::forbidden(QStringLiteral("The Host header must be 127.0.0.1, "
                                               "localhost or [::1] (with an optional port)."),
                                QStringLiteral("admin_bad_host")));
    if (!m_context.admin || !m_context.admin->token().isSet())
        return fail(ApiError{503,
                             QStringLiteral("Sign-in is off because the admin API is off (no "
                                            "keychain; see the gateway's startup messages)."),
                             QStringLiteral("server_error"),
                             {},
                             QStringLiteral("admin_api_off")});
    const QByteArray& path = request.path;
    const QByteArray& method = request.method;
    auto expect = [&](std::initializer_list<const char*> methods) {
        for (const char* m : methods)
            if (method == m) return true;
        fail(ApiError::methodNotAllowed(QString::fromLatin1(method), QString::fromUtf8(path)));
        return false;
    };
    if (path.startsWith("/.well-known/")) {
        if (expect({"GET"})) discovery(request, responder);
    } else if (path == "/oauth/device_authorization") {
        if (expect({"POST"})) deviceAuthorization(request, responder);
    } else if (path == "/oauth/token") {
        if (expect({"POST"})) token(request, responder);
    } else if (path == "/oauth/userinfo") {
        if (expect({"GET", "POST"})) userInfo(request, responder);
    } else if (path == "/oauth/revoke") {
        if (expect({"POST"})) revoke(request, responder);
    } else if (path == "/oauth/device") {
        if (!expect({"GET"})) return;
        // No approve button here on purpose: a page any local browser tab could post to would
        // invite cross-site requests. Approval needs the window or the admin token.
        responder->send(200, "text/plain; charset=utf-8",
                        "Approve or deny this sign-in in the Agent Router window, or run\n"
                        "  agentrouter approve CODE   (or: agentrouter deny CODE)\n"
                        "on this machine, after checking that CODE is the one the program "
                        "asking for access shows.\n",
                        kNoStore);
    } else {
        fail(ApiError::notFound(QStringLiteral("Unknown path: %1 %2.")
                                    .arg(QString::fromLatin1(method), QString::fromUtf8(path)),
                                QStringLiteral("unknown_url")));
    }
}

void OAuthHandler::discovery(const HttpRequest& request, HttpResponder* responder) {
    const QString issuer = issuerOf(request);
    sendJson(responder, 200,
             QJsonObject{
                 {QStringLiteral("issuer"), issuer},
                 {QStringLiteral("device_authorization_endpoint"),
                  issuer + QStringLiteral("/oauth/device_authorization")},
                 {QStringLiteral("token_endpoint"), issuer + QStringLiteral("/oauth/token")},
                 {QStringLiteral("userinfo_endpoint"), issuer + QStringLiteral("/oauth/userinfo")},
                 {QStringLiteral("revocation_endpoint"), issuer + QStringLiteral("/oauth/revoke")},
                 {QStringLiteral("grant_types_supported"), QJsonArray{QString(kDeviceGrant)}},
                 {QStringLiteral("response_types_supported"), QJsonArray{}},
                 {QStringLiteral("scopes_supported"), QJsonArray{QStringLiteral("admin")}},
                 {QStringLiteral("token_endpoint_auth_methods_supported"),
                  QJsonArray{QStringLiteral("none")}}},
             {});
}

void OAuthHandler::deviceAuthorization(const HttpRequest& request, HttpResponder* responder) {
    auto form = formBody(request);
    if (!form) return sendOAuthError(responder, form.error());
    QString scope = field(*form, "scope").simplified();
    if (scope.isEmpty()) scope = QStringLiteral("admin");
    auto started = m_context.admin->deviceFlow().start(field(*form, "client_id"), scope);
    if (!started) return sendOAuthError(responder, started.error());
    const QString verify = issuerOf(request) + QStringLiteral("/oauth/device");
    sendJson(responder, 200,
             QJsonObject{{QStringLiteral("device_code"), QString::fromLatin1(started->deviceCode)},
                         {QStringLiteral("user_code"), started->userCode},
                         {QStringLiteral("verification_uri"), verify},
                         {QStringLiteral("verification_uri_complete"),
                          verify + QStringLiteral("?user_code=") + started->userCode},
                         {QStringLiteral("expires_in"), started->expiresIn},
                         {QStringLiteral("interval"), started->interval}});
}

void OAuthHandler::token(const HttpRequest& request, HttpResponder* responder) {
    auto form = formBody(request);
    if (!form) return sendOAuthError(responder, form.error());
    const QString grant = field(*form, "grant_type");
    if (grant.isEmpty())
        return sendOAuthError(responder, oauthError(QStringLiteral("invalid_request"),
                                                    QStringLiteral("grant_type is required.")));
    if (grant != kDeviceGrant)
        return sendOAuthError(responder,
                              oauthError(QStringLiteral("unsupported_grant_type"),
                                         QStringLiteral("Only the device code grant (%1) is "
                                                        "supported.")
                                             .arg(kDeviceGrant)));
    const QString deviceCode = field(*form, "device_code");
    const QString clientId = field(*form, "client_id");
    if (deviceCode.isEmpty() || clientId.isEmpty())
        return sendOAuthError(
            responder, oauthError(QStringLiteral("invalid_request"),
                                  QStringLiteral("device_code and client_id are required.")));
    auto issued = m_context.admin->deviceFlow().exchange(deviceCode.toLatin1(), clientId);
    if (!issued) return sendOAuthError(responder, issued.error());
    const AccessTokenRecord& r = issued->record;
    sendJson(responder, 200,
             QJsonObject{{QStringLiteral("access_token"), QString::fromLatin1(issued->token)},
                         {QStringLiteral("token_type"), QStringLiteral("Bearer")},
                         {QStringLiteral("expires_in"), r.createdAt.secsTo(r.expiresAt)},
                         {QStringLiteral("scope"), r.scope}});
}

void OAuthHandler::userInfo(const HttpRequest& request, HttpResponder* responder) {
    const QByteArray presented = apikey::fromHeaders(request.header("authorization"), {});
    const auto record = m_context.admin->deviceFlow().tokens().verify(presented);
    if (!record)
        return sendOAuthError(
            responder,
            oauthError(QStringLiteral("invalid_token"),
                       presented.isEmpty()
                           ? QStringLiteral("Send the access token as 'Authorization: Bearer'.")
                           : QStringLiteral("The access token is unknown, expired or revoked."),
                       401));
    sendJson(responder, 200,
             QJsonObject{{QStringLiteral("sub"), record->id},
                         {QStringLiteral("name"), QStringLiteral("Agent Router administrator")},
                         {QStringLiteral("client_id"), record->clientId},
                         {QStringLiteral("scope"), record->scope},
                         {QStringLiteral("iat"), record->createdAt.toSecsSinceEpoch()},
                         {QStringLiteral("exp"), record->expiresAt.toSecsSinceEpoch()}});
}

void OAuthHandler::revoke(const HttpRequest& request, HttpResponder* responder) {
    auto form = formBody(request);
    if (!form) return sendOAuthError(responder, form.error());
    const QString token = field(*form, "token");
    if (token.isEmpty())
        return sendOAuthError(responder, oauthError(QStringLiteral("invalid_request"),
                                                    QStringLiteral("token is required.")));
    // RFC 7009 section 2.2: an unknown token is not an error.
    m_context.admin->deviceFlow().tokens().revokeToken(token.toLatin1());
    responder->send(200, "application/json", "{}", kNoStore);
}

}  // namespace ar
