#pragma once

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QReadWriteLock>
#include <QString>
#include <atomic>
#include <optional>

#include "core/Result.h"

namespace ar {

// What the gateway knows about a key: never the secret, only its SHA-256.
struct KeyRecord {
    QString id;
    QString name;
    QDateTime createdAt;
    QByteArray secretHash;  // raw 32 bytes
    QJsonObject policy;     // models, budgets, limits (enforced by the usage layer)
    bool revoked = false;

    QJsonObject toPublicJson() const;  // id, name, created, policy: what /v1/me shows
};

// Gateway keys, persisted as hashes in a JSON file in the per-user data folder. Thread-safe:
// lookups take a read lock; a miss re-reads the file if another process (the CLI) changed it.
class KeyStore {
public:
    explicit KeyStore(QString filePath);

    Status load();
    // Mints a key; the returned string is the only time the secret exists in the clear.
    Result<QString> create(const QString& name, const QJsonObject& policy = {});
    Status revoke(const QString& id);
    std::optional<KeyRecord> get(const QString& id);
    Status updatePolicy(const QString& id, const QJsonObject& policy);
    // A new secret for the same key id (policy and usage history stay attached); the old
    // secret stops working at once. Returns the new key, shown only this once.
    Result<QString> rotate(const QString& id);
    // verify() re-checks the file's mtime at most this often, so a revocation, rotation or
    // policy change written by another process (the CLI) applies without a restart.
    static constexpr int kDefaultRecheckMs = 1000;
    void setRecheckIntervalMs(int ms) { m_recheckMs = ms; }

    // Verifies a presented key; nullopt when unknown, wrong, revoked or malformed.
    std::optional<KeyRecord> verify(QByteArrayView presented);
    QList<KeyRecord> list() const;
    const QString& filePath() const { return m_path; }

private:
    Status save() const;  // caller holds the write lock
    void reloadIfChanged();

    QString m_path;
    mutable QReadWriteLock m_lock;
    QHash<QString, KeyRecord> m_keys;
    QByteArray m_loadedStamp;  // inode, mtime and size of the file last read or written
    int m_recheckMs = kDefaultRecheckMs;
    std::atomic<qint64> m_lastRecheckMs{0};
};

}  // namespace ar
