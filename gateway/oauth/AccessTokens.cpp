#include "oauth/AccessTokens.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

#include "auth/ApiKey.h"

namespace ar {

namespace {

constexpr QLatin1StringView kTokenPrefix{"ar-oauth-"};

QString iso(const QDateTime& t) { return t.toUTC().toString(Qt::ISODate); }

}  // namespace

QJsonObject AccessTokenRecord::toJson() const {
    return QJsonObject{{QStringLiteral("id"), id},
                       {QStringLiteral("object"), QStringLiteral("oauth.access_token")},
                       {QStringLiteral("client_id"), clientId},
                       {QStringLiteral("scope"), scope},
                       {QStringLiteral("created_at"), iso(createdAt)},
                       {QStringLiteral("expires_at"), iso(expiresAt)}};
}

AccessTokens::AccessTokens(Clock clock) : m_clock(std::move(clock)) {}

Status AccessTokens::load() {
    QWriteLocker lock(&m_lock);
    m_byHash.clear();
    if (m_path.isEmpty() || !QFile::exists(m_path)) return Ok{};
    QFile file(m_path);
    if (!file.open(QIODevice::ReadOnly))
        return ApiError::internal(
            QStringLiteral("Cannot read %1: %2").arg(m_path, file.errorString()));
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll());
    if (!doc.isObject())
        return ApiError::internal(QStringLiteral("%1 is not a JSON object.").arg(m_path));
    for (const QJsonValue v : doc.object().value(QStringLiteral("tokens")).toArray()) {
        const QJsonObject o = v.toObject();
        AccessTokenRecord r;
        r.id = o.value(QStringLiteral("id")).toString();
        r.clientId = o.value(QStringLiteral("client_id")).toString();
        r.scope = o.value(QStringLiteral("scope")).toString();
        r.createdAt =
            QDateTime::fromString(o.value(QStringLiteral("created_at")).toString(), Qt::ISODate);
        r.expiresAt =
            QDateTime::fromString(o.value(QStringLiteral("expires_at")).toString(), Qt::ISODate);
        r.hash = QByteArray::fromHex(o.value(QStringLiteral("sha256")).toString().toLatin1());
        if (r.id.isEmpty() || r.hash.size() != 32 || !r.expiresAt.isValid()) continue;
        m_byHash.insert(r.hash, r);
    }
    dropExpired();
    return Ok{};
}

Result<IssuedAccessToken> AccessTokens::issue(const QString& clientId, const QString& scope,
                                              qint64 lifetimeSecs) {
    // The gateway key generator already draws from OpenSSL's CSPRNG: its id and secret serve.
    const ApiKeyParts random = apikey::generate();
    IssuedAccessToken out;
    out.token = QByteArray(kTokenPrefix.data(), kTokenPrefix.size()) + random.secret;
    AccessTokenRecord& r = out.record;
    r.id = QStringLiteral("tok_") + random.keyId;
    r.clientId = clientId;
    r.scope = scope;
    r.createdAt = m_clock();
    r.expiresAt = r.createdAt.addSecs(lifetimeSecs);
    r.hash = apikey::hashSecret(out.token);
    QWriteLocker lock(&m_lock);
    dropExpired();
    m_byHash.insert(r.hash, r);
    if (Status s = save(); !s) {
        m_byHash.remove(r.hash);
        return s.error();
    }
    return out;
}

std::optional<AccessTokenRecord> AccessTokens::verify(QByteArrayView presented) const {
    if (!presented.startsWith(QByteArrayView(kTokenPrefix.data(), kTokenPrefix.size())))
        return std::nullopt;
    const QByteArray hash = apikey::hashSecret(presented);
    QReadLocker lock(&m_lock);
    const auto it = m_byHash.constFind(hash);
    if (it == m_byHash.cend() || it->expiresAt <= m_clock()) return std::nullopt;
    return *it;
}

QList<AccessTokenRecord> AccessTokens::list() const {
    const QDateTime now = m_clock();
    QList<AccessTokenRecord> out;
    {
        QReadLocker lock(&m_lock);
        for (const AccessTokenRecord& r : m_byHash)
            if (r.expiresAt > now) out.append(r);
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
        return a.createdAt != b.createdAt ? a.createdAt < b.createdAt : a.id < b.id;
    });
    return out;
}

Status AccessTokens::revoke(const QString& id) {
    QWriteLocker lock(&m_lock);
    for (auto it = m_byHash.begin(); it != m_byHash.end(); ++it) {
        if (it->id != id) continue;
        m_byHash.erase(it);
        return save();
    }
    return ApiError::notFound(QStringLiteral("No access token with id '%1'.").arg(id),
                              QStringLiteral("token_not_found"));
}

bool AccessTokens::revokeToken(QByteArrayView presented) {
    const QByteArray hash = apikey::hashSecret(presented);
    QWriteLocker lock(&m_lock);
    if (!m_byHash.remove(hash)) return false;
    (void)save();
    return true;
}

void AccessTokens::dropExpired() {
    const QDateTime now = m_clock();
    m_byHash.removeIf([&](const auto& it) { return it.value().expiresAt <= now; });
}

Status AccessTokens::save() const {
    if (m_path.isEmpty()) return Ok{};
    QJsonArray tokens;
    for (const AccessTokenRecord& r : m_byHash)
        tokens.append(QJsonObject{{QStringLiteral("id"), r.id},
                                  {QStringLiteral("client_id"), r.clientId},
                                  {QStringLiteral("scope"), r.scope},
                                  {QStringLiteral("created_at"), iso(r.createdAt)},
                                  {QStringLiteral("expires_at"), iso(r.expiresAt)},
                                  {QStringLiteral("sha256"), QString::fromLatin1(r.hash.toHex())}});
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly))
        return ApiError::internal(
            QStringLiteral("Cannot write %1: %2").arg(m_path, file.errorString()));
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    file.write(QJsonDocument(QJsonObject{{QStringLiteral("tokens"), tokens}}).toJson());
    if (!file.commit())
        return ApiError::internal(
            QStringLiteral("Cannot write %1: %2").arg(m_path, file.errorString()));
    return Ok{};
}

}  // namespace ar
