#pragma once

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QMutex>
#include <QReadWriteLock>
#include <QString>
#include <atomic>
#include <functional>
#include <optional>

#include "core/Result.h"

struct sqlite3;

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

// Gateway keys, persisted as hashes with their policy in a SQLite database (keys.sqlite in the
// per-user data folder, mode 0600). Requests are verified against an in-memory copy under a
// read lock; SQLite's data_version tells when another process (the CLI) committed a change, so
// the copy is refreshed then and only then. A keys.json left by an older build is imported
// once and removed.
class KeyStore {
public:
    explicit KeyStore(QString databasePath);
    ~KeyStore();
    KeyStore(const KeyStore&) = delete;
    KeyStore& operator=(const KeyStore&) = delete;

    Status load();
    // Mints a key; the returned string is the only time the secret exists in the clear.
    Result<QString> create(const QString& name, const QJsonObject& policy = {});
    Status revoke(const QString& id);
    std::optional<KeyRecord> get(const QString& id);
    Status updatePolicy(const QString& id, const QJsonObject& policy);
    // A new secret for the same key id (policy and usage history stay attached); the old
    // secret stops working at once. Returns the new key, shown only this once.
    Result<QString> rotate(const QString& id);
    // verify() re-checks the database's data_version at most this often, so a revocation, rotation or
    // policy change written by another process (the CLI) applies without a restart.
    static constexpr int kDefaultRecheckMs = 1000;
    void setRecheckIntervalMs(int ms) { m_recheckMs = ms; }

    // Verifies a presented key; nullopt when unknown, wrong, revoked or malformed.
    std::optional<KeyRecord> verify(QByteArrayView presented);
    QList<KeyRecord> list() const;
    const QString& databasePath() const { return m_path; }

private:
    Status openDatabase();                 // holds m_dbMutex
    Status readAll();                      // holds m_dbMutex; replaces m_keys
    Status write(const KeyRecord& record); // holds m_dbMutex; one upsert
    Status importLegacyJson();             // holds m_dbMutex
    void reloadIfChanged();
    // Copies a record, lets `edit` change it, writes it, then publishes it in memory.
    Status change(const QString& id, const std::function<Status(KeyRecord&)>& edit);

    QString m_path;
    QMutex m_dbMutex;  // the connection is used by one thread at a time
    sqlite3* m_db = nullptr;
    qint64 m_dataVersion = -1;  // of the copy in m_keys
    mutable QReadWriteLock m_lock;
    QHash<QString, KeyRecord> m_keys;
    // The secret that last verified against each key's current hash. Hashing the presented
    // secret (SHA-256) was the largest single cost of a request; a byte comparison with the
    // secret that already verified is enough while the key's hash is unchanged (a rotation
    // changes it, so the entry stops matching). The secret stays in this process's memory only,
    // like the request that carried it.
    struct VerifiedSecret {
        QByteArray hash;
        QByteArray secret;
    };
    QHash<QString, VerifiedSecret> m_verified;
    int m_recheckMs = kDefaultRecheckMs;
    std::atomic<qint64> m_lastRecheckMs{0};
};

}  // namespace ar
