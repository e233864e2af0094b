#pragma once

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QReadWriteLock>
#include <QString>
#include <optional>

#include "core/Result.h"
#include "usage/Clock.h"

namespace ar {

// One access token granted through the device flow. The token itself is shown to the client
// once; only its SHA-256 is kept.
struct AccessTokenRecord {
    QString id;  // "tok_<12 hex>", for listing and revoking
    QString clientId;
    QString scope;
    QDateTime createdAt;
    QDateTime expiresAt;
    QByteArray hash;  // raw 32 bytes

    QJsonObject toJson() const;  // never the hash
};

struct IssuedAccessToken {
    AccessTokenRecord record;
    QByteArray token;  // "ar-oauth-<43 base64url>"
};

// The device-flow access tokens that authenticate the admin API, persisted as hashes in a 0600
// JSON file of the data folder so a login survives a gateway restart. Thread-safe: workers
// verify under a read lock; issue and revoke write the file.
class AccessTokens {
public:
    explicit AccessTokens(Clock clock = systemClock());

    // Without a file (tests, or before the data folder is known) tokens live in memory only.
    void setFilePath(const QString& path) { m_path = path; }
    void setClock(Clock clock) { m_clock = std::move(clock); }
    Status load();

    Result<IssuedAccessToken> issue(const QString& clientId, const QString& scope,
                                    qint64 lifetimeSecs);
    // The record of a valid, unexpired token; nullopt otherwise.
    std::optional<AccessTokenRecord> verify(QByteArrayView presented) const;
    QList<AccessTokenRecord> list() const;       // unexpired ones, oldest first
    Status revoke(const QString& id);            // 404 when unknown
    bool revokeToken(QByteArrayView presented);  // RFC 7009: true if it was one of ours

private:
    Status save() const;  // caller holds the write lock
    void dropExpired();   // caller holds the write lock

    Clock m_clock;
    QString m_path;
    mutable QReadWriteLock m_lock;
    QHash<QByteArray, AccessTokenRecord> m_byHash;
};

}  // namespace ar
