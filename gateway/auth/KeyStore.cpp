#include "auth/KeyStore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

#include "auth/ApiKey.h"

#include <sys/stat.h>

namespace ar {

QJsonObject KeyRecord::toPublicJson() const {
    return QJsonObject{{QStringLiteral("id"), id},
                       {QStringLiteral("object"), QStringLiteral("key")},
                       {QStringLiteral("name"), name},
                       {QStringLiteral("created"), createdAt.toSecsSinceEpoch()},
                       {QStringLiteral("created_at"), createdAt.toUTC().toString(Qt::ISODate)},
                       {QStringLiteral("policy"), policy}};
}

namespace {

// Which version of the file we hold: every save replaces it (new inode) and mtime has ns
// resolution, so two writes within one millisecond are still told apart.
QByteArray fileStamp(const QString& path) {
    struct stat st {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0) return {};
    return QByteArray::number(qulonglong(st.st_ino)) + ':' + QByteArray::number(qlonglong(st.st_mtim.tv_sec)) + '.' +
           QByteArray::number(qlonglong(st.st_mtim.tv_nsec)) + ':' + QByteArray::number(qlonglong(st.st_size));
}

}  // namespace

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
    m_loadedStamp = fileStamp(m_path);
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
    m_loadedStamp = fileStamp(m_path);
    return apikey::format(parts);
}

Status KeyStore::revoke(const QString& id) {
    reloadIfChanged();
    QWriteLocker lock(&m_lock);
    auto it = m_keys.find(id);
    if (it == m_keys.end()) return ApiError::notFound(QStringLiteral("No key with id '%1'.").arg(id), QStringLiteral("key_not_found"));
    it->revoked = true;
    Status s = save();
    m_loadedStamp = fileStamp(m_path);
    return s;
}

std::optional<KeyRecord> KeyStore::get(const QString& id) {
    reloadIfChanged();
    QReadLocker lock(&m_lock);
    auto it = m_keys.constFind(id);
    if (it == m_keys.constEnd()) return std::nullopt;
    return *it;
}

Status KeyStore::updatePolicy(const QString& id, const QJsonObject& policy) {
    reloadIfChanged();
    QWriteLocker lock(&m_lock);
    auto it = m_keys.find(id);
    if (it == m_keys.end()) return ApiError::notFound(QStringLiteral("No key with id '%1'.").arg(id), QStringLiteral("key_not_found"));
    const QJsonObject previous = it->policy;
    it->policy = policy;
    Status s = save();
    if (!s) it->policy = previous;
    m_loadedStamp = fileStamp(m_path);
    return s;
}

Result<QString> KeyStore::rotate(const QString& id) {
    reloadIfChanged();
    QWriteLocker lock(&m_lock);
    auto it = m_keys.find(id);
    if (it == m_keys.end()) return ApiError::notFound(QStringLiteral("No key with id '%1'.").arg(id), QStringLiteral("key_not_found"));
    if (it->revoked) return ApiError::badRequest(QStringLiteral("Key '%1' is revoked; create a new one.").arg(id), {}, QStringLiteral("key_revoked"));
    ApiKeyParts parts = apikey::generate();
    parts.keyId = id;
    const QByteArray previous = it->secretHash;
    it->secretHash = apikey::hashSecret(parts.secret);
    if (Status s = save(); !s) {
        it->secretHash = previous;
        return s.error();
    }
    m_loadedStamp = fileStamp(m_path);
    return apikey::format(parts);
}

void KeyStore::reloadIfChanged() {
    const QByteArray stamp = fileStamp(m_path);
    bool changed;
    {
        QReadLocker lock(&m_lock);
        changed = stamp != m_loadedStamp;
    }
    if (changed) (void)load();
}

std::optional<KeyRecord> KeyStore::verify(QByteArrayView presented) {
    const auto parts = apikey::parse(presented);
    if (!parts) return std::nullopt;
    const QByteArray hash = apikey::hashSecret(parts->secret);
    // Cheap cross-process freshness: one stat() per interval, whoever's request comes first.
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    qint64 last = m_lastRecheckMs.load();
    if (now - last >= m_recheckMs && m_lastRecheckMs.compare_exchange_strong(last, now))
        reloadIfChanged();
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
