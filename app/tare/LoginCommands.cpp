#include "LoginCommands.h"

#include <QDeadlineTimer>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>
#include <QUrl>

#include "Cli.h"
#include "Logins.h"
#include "Session.h"
#include "common/HttpCall.h"
#include "common/ReadSecret.h"

namespace ar::tare {

namespace {

constexpr QLatin1StringView kDeviceGrant{"urn:ietf:params:oauth:grant-type:device_code"};
constexpr QLatin1StringView kDiscoveryPath{"/.well-known/openid-configuration"};

// What the issuer's discovery document says, checked.
struct Issuer {
    QString issuer;
    QString deviceEndpoint;
    QString tokenEndpoint;
    QString userinfoEndpoint;
    QString revocationEndpoint;
    QStringList scopes;
};

Result<Issuer> discover(const QString& issuer) {
    const HttpReply reply = httpCall("GET", QUrl(issuer + kDiscoveryPath), {},
                                     {{"Accept", "application/json"}}, 15'000);
    if (!reply.transportError.isEmpty()) return ApiError::internal(reply.transportError);
    const QJsonObject doc = reply.json();
    if (!reply.ok() || doc.isEmpty())
        return ApiError::internal(
            QStringLiteral("%1 is not an OpenID issuer: %2%3 answered HTTP %4%5")
                .arg(issuer, issuer, kDiscoveryPath)
                .arg(reply.status)
                .arg(reply.ok() ? QStringLiteral(" without a JSON document")
                     // Our gateway explains itself (e.g. its admin API is off): pass that on.
                     : reply.errorCode().isEmpty() ? QString()
                                                   : QStringLiteral(": ") + reply.errorMessage()));
    Issuer out;
    out.issuer = doc.value(QStringLiteral("issuer")).toString();
    // OpenID Connect Discovery 1.0 section 4.3: the document must name the issuer it was
    // fetched for, or its tokens would be for someone else.
    if (normalizeIssuer(out.issuer) != issuer)
        return ApiError::internal(
            QStringLiteral("wrong issuer: %1%2 names the issuer '%3', not %1. Pass the issuer "
                           "URL it names with --issuer if you trust it.")
                .arg(issuer, kDiscoveryPath, out.issuer));
    out.deviceEndpoint = doc.value(QStringLiteral("device_authorization_endpoint")).toString();
    out.tokenEndpoint = doc.value(QStringLiteral("token_endpoint")).toString();
    out.userinfoEndpoint = doc.value(QStringLiteral("userinfo_endpoint")).toString();
    out.revocationEndpoint = doc.value(QStringLiteral("revocation_endpoint")).toString();
    for (const QJsonValue v : doc.value(QStringLiteral("scopes_supported")).toArray())
        out.scopes.append(v.toString());
    const QJsonValue grants = doc.value(QStringLiteral("grant_types_supported"));
    const bool grantListed =
        grants.isUndefined() || grants.toArray().contains(QJsonValue(QString(kDeviceGrant)));
    if (out.deviceEndpoint.isEmpty() || out.tokenEndpoint.isEmpty() || !grantListed)
        return ApiError::internal(
            QStringLiteral("%1 does not offer the device authorization grant (no "
                           "device_authorization_endpoint or token_endpoint in its discovery "
                           "document)")
                .arg(issuer));
    return out;
}

void sleepMs(int ms) {
    QEventLoop loop;
    QTimer::singleShot(ms, Qt::PreciseTimer, &loop, &QEventLoop::quit);
    loop.exec();
}

// Rounded to the nearest unit: a token of 30 days is "in 30 days" a second after it was issued.
QString inWords(qint64 secs) {
    if (secs < 120) return QStringLiteral("%1 seconds").arg(secs);
    if (secs < 2 * 3600) return QStringLiteral("%1 minutes").arg((secs + 30) / 60);
    if (secs < 2 * 86400) return QStringLiteral("%1 hours").arg((secs + 1800) / 3600);
    return QStringLiteral("%1 days").arg((secs + 43200) / 86400);
}

QString expiryText(const QDateTime& expiresAt) {
    if (!expiresAt.isValid()) return QStringLiteral("not stated by the issuer");
    const qint64 left = QDateTime::currentDateTimeUtc().secsTo(expiresAt);
    return QStringLiteral("%1 (in %2)")
        .arg(expiresAt.toUTC().toString(Qt::ISODate), inWords(qMax<qint64>(left, 0)));
}

// `tare api login --with-token`: for scripts and machines where nobody can approve a code.
int loginWithToken(const Command& cmd, Logins& logins, const QString& gateway) {
    const QByteArray token = app::readSecret(QStringLiteral("Token for %1: ").arg(gateway));
    if (token.isEmpty()) return usageError(cmd.name(), QStringLiteral("no token on stdin"));
    // Checked before it is kept, on an admin endpoint any admin token may read.
    const HttpReply reply = httpCall("GET", QUrl(gateway + QStringLiteral("/admin/v1/settings")),
                                     {}, {{"Authorization", "Bearer " + token}});
    if (!reply.ok())
        return fail(QStringLiteral("the gateway at %1 refused the token: %2")
                        .arg(gateway, reply.errorMessage()));
    SavedLogin login;
    login.issuer = gateway;
    login.accessToken = token;
    login.scope = QStringLiteral("admin");
    login.clientId = QStringLiteral("tare");
    login.obtainedAt = QDateTime::currentDateTimeUtc();
    if (Status s = logins.save(login); !s)
        return fail(QStringLiteral("cannot keep the token in %1: %2")
                        .arg(logins.where(), s.error().message));
    err(QStringLiteral("Signed in to %1 with the token from stdin; it is kept in %2.")
            .arg(gateway, logins.where()));
    return kOk;
}

}  // namespace

int runLogin(const QStringList& args) {
    Command cmd(QStringLiteral("api login"),
                QStringLiteral("Sign in to a gateway (or any OpenID issuer) with the OAuth 2.0 "
                               "device authorization grant. The code shown must be approved in "
                               "the Agent Router window or with `agentrouter approve CODE`. The "
                               "token is kept in the OS keychain, per issuer."));
    cmd.addGatewayOptions();
    cmd.addJsonOption();
    cmd.parser().addOption({QStringLiteral("client-id"),
                            QStringLiteral("OAuth client id (default: tare)."),
                            QStringLiteral("ID"), QStringLiteral("tare")});
    cmd.parser().addOption({QStringLiteral("scope"),
                            QStringLiteral("Scopes to ask for (default: admin when the issuer "
                                           "lists it, else openid)."),
                            QStringLiteral("SCOPES")});
    cmd.parser().addOption(
        {QStringLiteral("with-token"),
         QStringLiteral("Skip the device flow: read a token the gateway accepts (such as the "
                        "output of `agentrouter admin-token`) from stdin.")});
    if (!cmd.parse(args)) return kUsage;
    Logins logins(cmd.value(QStringLiteral("secrets-file")));
    // A login goes where it is told, else to the local gateway (never silently elsewhere).
    QString issuer = cmd.isSet(QStringLiteral("url"))
                         ? normalizeIssuer(cmd.value(QStringLiteral("url")))
                         : localGateway(cmd.value(QStringLiteral("config")));
    const QUrl parsed(issuer);
    if (!parsed.isValid() || parsed.host().isEmpty() ||
        (parsed.scheme() != QLatin1String("http") && parsed.scheme() != QLatin1String("https")))
        return usageError(cmd.name(),
                          QStringLiteral("--issuer: '%1' is not an http(s) URL").arg(issuer));

    if (cmd.isSet(QStringLiteral("with-token"))) return loginWithToken(cmd, logins, issuer);

    auto found = discover(issuer);
    if (!found) return fail(found.error().message);
    const QString clientId = cmd.value(QStringLiteral("client-id"));
    QString scope = cmd.value(QStringLiteral("scope"));
    if (scope.isEmpty())
        scope = found->scopes.contains(QLatin1String("admin")) ? QStringLiteral("admin")
                                                               : QStringLiteral("openid");

    // RFC 8628 section 3.1-3.2.
    const HttpReply start = httpCall(
        "POST", QUrl(found->deviceEndpoint),
        formEncode({{QStringLiteral("client_id"), clientId}, {QStringLiteral("scope"), scope}}),
        {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}});
    if (!start.ok())
        return fail(QStringLiteral("the issuer refused to start the sign-in: %1")
                        .arg(start.errorMessage()));
    const QJsonObject codes = start.json();
    const QString deviceCode = codes.value(QStringLiteral("device_code")).toString();
    const QString userCode = codes.value(QStringLiteral("user_code")).toString();
    const QString verifyUri = codes.value(QStringLiteral("verification_uri")).toString();
    const QString verifyComplete =
        codes.value(QStringLiteral("verification_uri_complete")).toString();
    const int expiresIn = codes.value(QStringLiteral("expires_in")).toInt(0);
    int interval = codes.value(QStringLiteral("interval")).toInt(5);  // RFC default: 5 s
    if (deviceCode.isEmpty() || userCode.isEmpty() || verifyUri.isEmpty() || expiresIn <= 0)
        return fail(
            QStringLiteral("the issuer's device authorization answer lacks device_code, "
                           "user_code, verification_uri or expires_in"));
    interval = qMax(interval, 1);

    err(QStringLiteral("To sign in to %1, approve this code:\n\n    User code: %2\n")
            .arg(issuer, paint(userCode, Tone::Strong, 2)));
    err(QStringLiteral("Open %1%2 to approve it (on the gateway's machine: the Agent Router "
                       "window, or `agentrouter approve %3`).")
            .arg(verifyUri,
                 verifyComplete.isEmpty()
                     ? QString()
                     : QStringLiteral(" (or ") + verifyComplete + QLatin1Char(')'),
                 userCode));
    err(QStringLiteral("Waiting for approval; the code expires in %1.").arg(inWords(expiresIn)));

    // RFC 8628 section 3.4-3.5: poll at the interval; slow_down adds 5 s for good.
    QDeadlineTimer deadline(qint64(expiresIn) * 1000);
    QJsonObject granted;
    while (true) {
        sleepMs(interval * 1000);
        const HttpReply poll =
            httpCall("POST", QUrl(found->tokenEndpoint),
                     formEncode({{QStringLiteral("grant_type"), QString(kDeviceGrant)},
                                 {QStringLiteral("device_code"), deviceCode},
                                 {QStringLiteral("client_id"), clientId}}),
                     {{"Content-Type", "application/x-www-form-urlencoded"},
                      {"Accept", "application/json"}});
        if (poll.ok()) {
            granted = poll.json();
            break;
        }
        const QString error = poll.errorCode();
        if (error == QLatin1String("authorization_pending") && !deadline.hasExpired()) continue;
        if (error == QLatin1String("slow_down") && !deadline.hasExpired()) {
            interval += 5;
            continue;
        }
        if (error == QLatin1String("access_denied"))
            return fail(QStringLiteral("sign-in denied: code %1 was not approved.").arg(userCode));
        if (error == QLatin1String("expired_token") || deadline.hasExpired())
            return fail(QStringLiteral("code %1 expired before it was approved. Run tare api "
                                       "login again.")
                            .arg(userCode));
        return fail(QStringLiteral("sign-in failed: %1").arg(poll.errorMessage()));
    }

    SavedLogin login;
    login.issuer = issuer;
    login.accessToken = granted.value(QStringLiteral("access_token")).toString().toLatin1();
    login.tokenType = granted.value(QStringLiteral("token_type")).toString();
    if (login.accessToken.isEmpty() ||
        login.tokenType.compare(QLatin1String("bearer"), Qt::CaseInsensitive) != 0)
        return fail(QStringLiteral("the issuer's token answer has no bearer access_token"));
    login.scope = granted.value(QStringLiteral("scope")).toString(scope);
    login.clientId = clientId;
    login.obtainedAt = QDateTime::currentDateTimeUtc();
    const QJsonValue lifetime = granted.value(QStringLiteral("expires_in"));
    if (lifetime.isDouble())
        login.expiresAt = login.obtainedAt.addSecs(qint64(lifetime.toDouble()));
    login.userinfoEndpoint = found->userinfoEndpoint;
    login.revocationEndpoint = found->revocationEndpoint;
    if (Status s = logins.save(login); !s)
        return fail(QStringLiteral("signed in, but cannot keep the token in %1: %2")
                        .arg(logins.where(), s.error().message));
    err(QStringLiteral("Signed in to %1; the token is kept in %2 and expires %3.")
            .arg(issuer, logins.where(), expiryText(login.expiresAt)));
    if (cmd.json())
        printJson(QJsonObject{
            {QStringLiteral("issuer"), issuer},
            {QStringLiteral("client_id"), clientId},
            {QStringLiteral("scope"), login.scope},
            {QStringLiteral("expires_at"), login.expiresAt.isValid()
                                               ? QJsonValue(login.expiresAt.toString(Qt::ISODate))
                                               : QJsonValue()}});
    return kOk;
}

int runWhoami(const QStringList& args) {
    Command cmd(QStringLiteral("api whoami"),
                QStringLiteral("Who the saved sign-in is, for which gateway, and until when."));
    cmd.addGatewayOptions();
    cmd.addJsonOption();
    if (!cmd.parse(args)) return kUsage;
    Logins logins(cmd.value(QStringLiteral("secrets-file")));
    int code = kOk;
    const std::optional<Session> session = openSession(cmd, logins, code);
    if (!session) return code;
    const SavedLogin& login = session->login;
    QString subject, name;
    if (!login.userinfoEndpoint.isEmpty()) {
        // The issuer's word, so a revoked token shows up here rather than in the next command.
        const HttpReply reply = httpCall(
            "GET", QUrl(login.userinfoEndpoint), {},
            {{"Authorization", "Bearer " + login.accessToken}, {"Accept", "application/json"}});
        if (!reply.ok()) return reportFailure(cmd, *session, reply);
        const QJsonObject info = reply.json();
        subject = info.value(QStringLiteral("sub")).toString();
        for (const char* claim : {"name", "preferred_username", "email"}) {
            name = info.value(QLatin1String(claim)).toString();
            if (!name.isEmpty()) break;
        }
    }
    auto current = logins.current();
    const bool isCurrent = current && *current == session->gateway;
    if (cmd.json()) {
        printJson(QJsonObject{
            {QStringLiteral("issuer"), session->gateway},
            {QStringLiteral("sub"), subject.isEmpty() ? QJsonValue() : QJsonValue(subject)},
            {QStringLiteral("name"), name.isEmpty() ? QJsonValue() : QJsonValue(name)},
            {QStringLiteral("client_id"), login.clientId},
            {QStringLiteral("scope"), login.scope},
            {QStringLiteral("obtained_at"), login.obtainedAt.toString(Qt::ISODate)},
            {QStringLiteral("expires_at"), login.expiresAt.isValid()
                                               ? QJsonValue(login.expiresAt.toString(Qt::ISODate))
                                               : QJsonValue()},
            {QStringLiteral("current"), isCurrent}});
        return kOk;
    }
    Table t;
    t.header = {QStringLiteral("FIELD"), QStringLiteral("VALUE")};
    t.add({QStringLiteral("gateway"),
           session->gateway + (isCurrent ? QStringLiteral(" (current)") : QString())});
    t.add({QStringLiteral("signed in as"),
           name.isEmpty()      ? (subject.isEmpty() ? QStringLiteral("-") : subject)
           : subject.isEmpty() ? name
                               : QStringLiteral("%1 (%2)").arg(name, subject)});
    t.add({QStringLiteral("client"), login.clientId});
    t.add({QStringLiteral("scope"), login.scope});
    t.add({QStringLiteral("expires"), expiryText(login.expiresAt)});
    out(t.render());
    return kOk;
}

int runLogout(const QStringList& args) {
    Command cmd(QStringLiteral("api logout"),
                QStringLiteral("Revoke the saved token at the issuer (when it offers revocation) "
                               "and delete it from the keychain."));
    cmd.addGatewayOptions();
    if (!cmd.parse(args)) return kUsage;
    Logins logins(cmd.value(QStringLiteral("secrets-file")));
    int code = kOk;
    const std::optional<Session> session = openSession(cmd, logins, code);
    if (!session) return code;
    if (!session->login.revocationEndpoint.isEmpty()) {
        const HttpReply reply = httpCall(
            "POST", QUrl(session->login.revocationEndpoint),
            formEncode({{QStringLiteral("token"), QString::fromLatin1(session->login.accessToken)},
                        {QStringLiteral("token_type_hint"), QStringLiteral("access_token")},
                        {QStringLiteral("client_id"), session->login.clientId}}),
            {{"Content-Type", "application/x-www-form-urlencoded"}});
        if (!reply.ok())
            err(QStringLiteral("Warning: the issuer did not confirm the revocation (%1); the "
                               "token is deleted here anyway.")
                    .arg(reply.errorMessage()));
    }
    if (Status s = logins.remove(session->gateway); !s)
        return fail(QStringLiteral("cannot delete the sign-in from %1: %2")
                        .arg(logins.where(), s.error().message));
    err(QStringLiteral("Signed out of %1.").arg(session->gateway));
    return kOk;
}

}  // namespace ar::tare
