#include "auth/KeyStore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

#include "auth/ApiKey.h"

namespace ar {

QJsonObject KeyRecord::toPublicJson() const {
    return QJsonObject{{QStringLiteral("id"), id},
                       {QStringLiteral("object"), QStringLiteral("key")},
                       {QStringLiteral("name"), name},
                       {QStringLiteral("created"), createdAt.toSecsSinceEpoch()},
                       {QStringLiteral("created_at"), createdAt.toUTC().toString(Qt::ISODate)},
                       {QStringLiteral("policy"), policy}};
}

KeyStore::KeyStore(QString filePath) : m_path(std::move(filePath)) {}

Status KeyStore::load() {
    QWriteLocker lock(&m_lock);
    QFile file(m_path);
    if (!file.exists()) {
        m_keys.clear();
        return Ok{};
    }
    if (!file.open(QIODevice::ReadOnly))
        return ApiError::internal(QStringLiteral("Cannot read %1: %2").arg(m_path, file.errorString()));
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return ApiError::internal(QStringLiteral("%1 is not valid JSON: %2").arg(m_path, error.errorString()));
    QHash<QString, KeyRecord> keys;
    for (const QJsonValue& v : doc.object().value(QStringLiteral("keys")).toArray()) {
        const QJsonObject o = v.toObject();
        KeyRecord r;
        r.id = o.value(QStringLiteral("id")).toString();
        r.name = o.value(QStringLiteral("name")).toString();
        r.createdAt = QDateTime::fromString(o.value(QStringLiteral("created_at")).toString(), Qt::ISODate);
        r.secretHash = QByteArray::fromHex(o.value(QStringLiteral("secret_sha256")).toString().toLatin1());
        r.policy = o.value(QStringLiteral("policy")).toObject();
        r.revoked = o.value(QStringLiteral("revoked")).toBool();
        if (!r.id.isEmpty() && r.secretHash.size() == 32) keys.insert(r.id, r);
    }
    m_keys = std::move(keys);
    m_loadedMtime = QFileInfo(m_path).lastModified();
    return Ok{};
}

Status KeyStore::save() const {
    QJsonArray arr;
    for (const KeyRecord& r : m_keys) {
        arr.append(QJsonObject{{QStringLiteral("id"), r.id},
                               {QStringLiteral("name"), r.name},
                               {QStringLiteral("created_at"), r.createdAt.toUTC().toString(Qt::ISODate)},
                               {QStringLiteral("secret_sha256"), QString::fromLatin1(r.secretHash.toHex())},
                               {QStringLiteral("policy"), r.policy},
                               {QStringLiteral("revoked"), r.revoked}});
    }
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly))
        return ApiError::internal(QStringLiteral("Cannot write %1: %2").arg(m_path, file.errorString()));
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    file.write(QJsonDocument(QJsonObject{{QStringLiteral("version"), 1}, {QStringLiteral("keys"), arr}})
                   .toJson(QJsonDocument::Indented));
    if (!file.commit())
        return ApiError::internal(QStringLiteral("Cannot write %1: %2").arg(m_path, file.errorString()));
    return Ok{};
}

Result<QString> KeyStore::create(const QString& name, const QJsonObject& policy) {
    if (name.trimmed().isEmpty()) return ApiError::badRequest(QStringLiteral("A key needs a name."), QStringLiteral("name"));
    reloadIfChanged();
    const ApiKeyParts parts = apikey::generate();
    KeyRecord r{parts.keyId, name.trimmed(), QDateTime::currentDateTimeUtc(),
                apikey::hashSecret(parts.secret), policy, false};
    QWriteLocker lock(&m_lock);
    m_keys.insert(r.id, r);
    if (Status s = save(); !s) {
        m_keys.remove(r.id);
        return s.error();
    }
    m_loadedMtime = QFileInfo(m_path).lastModified();
    return apikey::format(parts);
}

Status KeyStore::revoke(const QString& id) {
    reloadIfChanged();
    QWriteLocker lock(&m_lock);
    auto it = m_keys.find(id);
    if (it == m_keys.end()) return ApiError::notFound(QStringLiteral("No key with id '%1'.").arg(id), QStringLiteral("key_not_found"));
    it->revoked = true;
    Status s = save();
    m_loadedMtime = QFileInfo(m_path).lastModified();
    return s;
}

void KeyStore::reloadIfChanged() {
    const QDateTime mtime = QFileInfo(m_path).lastModified();
    bool changed;
    {
        QReadLocker lock(&m_lock);
        changed = mtime != m_loadedMtime;
    }
    if (changed) (void)load();
}

std::optional<KeyRecord> KeyStore::verify(QByteArrayView presented) {
    const auto parts = apikey::parse(presented);
    if (!parts) return std::nullopt;
    const QByteArray hash = apikey::hashSecret(parts->secret);
    for (int attempt = 0; attempt < 2; ++attempt) {
        {
            QReadLocker lock(&m_lock);
            auto it = m_keys.constFind(parts->keyId);
            if (it != m_keys.constEnd()) {
                if (it->revoked || !apikey::hashesEqual(it->secretHash, hash)) return std::nullopt;
                return *it;
            }
        }
        // Unknown id: a key minted by another process since we loaded. Look once more.
        if (attempt == 0) reloadIfChanged();
    }
    return std::nullopt;
}

QList<KeyRecord> KeyStore::list() const {
    QReadLocker lock(&m_lock);
    return m_keys.values();
}

}  // namespace ar
