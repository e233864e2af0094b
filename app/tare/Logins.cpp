#include "Logins.h"

#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QUrl>

#include "Cli.h"
#include "common/Await.h"
#include "common/LocalGateway.h"
#include "config/Config.h"
#include "secrets/FileSecretStore.h"
#include "secrets/KeychainSecretStore.h"

namespace ar::tare {

namespace {

const QString kCurrentEntry = QStringLiteral("current");

using cli::await;

QString iso(const QDateTime& t) {
    return t.isValid() ? t.toUTC().toString(Qt::ISODate) : QString();
}

}  // namespace

QByteArray SavedLogin::toSecret() const {
    QJsonObject o{{QStringLiteral("issuer"), issuer},
                  {QStringLiteral("access_token"), QString::fromLatin1(accessToken)},
                  {QStringLiteral("token_type"), tokenType},
                  {QStringLiteral("scope"), scope},
                  {QStringLiteral("client_id"), clientId},
                  {QStringLiteral("obtained_at"), iso(obtainedAt)},
                  {QStringLiteral("expires_at"), iso(expiresAt)},
                  {QStringLiteral("userinfo_endpoint"), userinfoEndpoint},
                  {QStringLiteral("revocation_endpoint"), revocationEndpoint}};
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

std::optional<SavedLogin> SavedLogin::fromSecret(const QByteArray& secret) {
    const QJsonObject o = QJsonDocument::fromJson(secret).object();
    SavedLogin l;
    l.issuer = o.value(QStringLiteral("issuer")).toString();
    l.accessToken = o.value(QStringLiteral("access_token")).toString().toLatin1();
    if (l.issuer.isEmpty() || l.accessToken.isEmpty()) return std::nullopt;
    l.tokenType = o.value(QStringLiteral("token_type")).toString(QStringLiteral("Bearer"));
    l.scope = o.value(QStringLiteral("scope")).toString();
    l.clientId = o.value(QStringLiteral("client_id")).toString();
    l.obtainedAt =
        QDateTime::fromString(o.value(QStringLiteral("obtained_at")).toString(), Qt::ISODate);
    l.expiresAt =
        QDateTime::fromString(o.value(QStringLiteral("expires_at")).toString(), Qt::ISODate);
    l.userinfoEndpoint = o.value(QStringLiteral("userinfo_endpoint")).toString();
    l.revocationEndpoint = o.value(QStringLiteral("revocation_endpoint")).toString();
    return l;
}

Logins::Logins(const QString& secretsFile) {
    if (secretsFile.isEmpty()) {
        m_store = std::make_unique<KeychainSecretStore>(kService);
    } else {
        auto file = std::make_unique<FileSecretStore>(secretsFile);
        err(file->warning());
        m_store = std::move(file);
    }
}

Logins::~Logins() = default;

QString Logins::where() const { return m_store->description(); }

Result<std::optional<SavedLogin>> Logins::load(const QString& issuer) {
    auto r = await<Result<std::optional<QByteArray>>>(
        [&](QEventLoop* loop, auto done) { m_store->read(issuer, loop, done); });
    if (!r) return r.error();
    if (!r.value()) return std::optional<SavedLogin>();
    return SavedLogin::fromSecret(*r.value());
}

Status Logins::save(const SavedLogin& login) {
    Status s = await<Status>([&](QEventLoop* loop, auto done) {
        m_store->write(login.issuer, login.toSecret(), loop, done);
    });
    if (!s) return s;
    return await<Status>([&](QEventLoop* loop, auto done) {
        m_store->write(kCurrentEntry, login.issuer.toUtf8(), loop, done);
    });
}

Status Logins::remove(const QString& issuer) {
    Status s =
        await<Status>([&](QEventLoop* loop, auto done) { m_store->remove(issuer, loop, done); });
    if (!s) return s;
    auto cur = current();
    if (cur && *cur == issuer)
        return await<Status>(
            [&](QEventLoop* loop, auto done) { m_store->remove(kCurrentEntry, loop, done); });
    return Ok{};
}

Result<QString> Logins::current() {
    auto r = await<Result<std::optional<QByteArray>>>(
        [&](QEventLoop* loop, auto done) { m_store->read(kCurrentEntry, loop, done); });
    if (!r) return r.error();
    return r.value() ? QString::fromUtf8(*r.value()) : QString();
}

QString normalizeIssuer(const QString& url) {
    QString s = url.trimmed();
    while (s.endsWith(QLatin1Char('/'))) s.chop(1);
    return s;
}

QString localGateway(const QString& configPath) { return cli::localGatewayOrigin(configPath); }

Result<QString> chooseGateway(const Command& command, Logins& logins) {
    QString url;
    if (command.isSet(QStringLiteral("url"))) {
        url = normalizeIssuer(command.value(QStringLiteral("url")));
        const QUrl parsed(url);
        if (!parsed.isValid() || parsed.host().isEmpty() ||
            (parsed.scheme() != QLatin1String("http") && parsed.scheme() != QLatin1String("https")))
            return ApiError::badRequest(
                QStringLiteral("--url/--issuer: '%1' is not an http(s) URL").arg(url));
        return url;
    }
    auto current = logins.current();
    if (!current) return current.error();
    if (!current->isEmpty()) return *current;
    return localGateway(command.value(QStringLiteral("config")));
}

}  // namespace ar::tare
