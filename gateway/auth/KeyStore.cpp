#include "auth/KeyStore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimeZone>

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

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

namespace {

constexpr int kSchemaVersion = 1;

const char kSchema[] =
    "CREATE TABLE IF NOT EXISTS keys ("
    " id TEXT PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " created_ms INTEGER NOT NULL,"
    " secret_sha256 BLOB NOT NULL,"  // never the secret itself
    " policy TEXT NOT NULL DEFAULT '{}',"
    " revoked INTEGER NOT NULL DEFAULT 0,"
    " updated_ms INTEGER NOT NULL)";

// A prepared statement that finalizes itself.
class Statement {
public:
    Statement(sqlite3* db, const char* sql) { m_rc = sqlite3_prepare_v2(db, sql, -1, &m_stmt, nullptr); }
    ~Statement() { sqlite3_finalize(m_stmt); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    bool ok() const { return m_rc == SQLITE_OK; }
    sqlite3_stmt* get() const { return m_stmt; }
    void bindText(int i, const QString& s) {
        const QByteArray utf8 = s.toUtf8();
        sqlite3_bind_text(m_stmt, i, utf8.constData(), int(utf8.size()), SQLITE_TRANSIENT);
    }
    void bindBlob(int i, const QByteArray& b) {
        sqlite3_bind_blob(m_stmt, i, b.constData(), int(b.size()), SQLITE_TRANSIENT);
    }
    QString text(int col) const {
        return QString::fromUtf8(reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, col)),
                                 sqlite3_column_bytes(m_stmt, col));
    }
    QByteArray blob(int col) const {
        return QByteArray(static_cast<const char*>(sqlite3_column_blob(m_stmt, col)),
                          sqlite3_column_bytes(m_stmt, col));
    }

private:
    sqlite3_stmt* m_stmt = nullptr;
    int m_rc;
};

QJsonObject policyFromText(const QString& text) {
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

}  // namespace

KeyStore::KeyStore(QString databasePath) : m_path(std::move(databasePath)) {}

KeyStore::~KeyStore() { sqlite3_close(m_db); }

static ApiError dbError(const QString& path, sqlite3* db, const QString& what) {
    return ApiError::internal(QStringLiteral("Key store %1: %2: %3")
                                  .arg(path, what, db ? QString::fromUtf8(sqlite3_errmsg(db))
                                                      : QStringLiteral("cannot open")));
}

Status KeyStore::openDatabase() {
    if (m_db) return Ok{};
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    // Create the file owner-only before SQLite does: its -wal and -shm files copy this mode.
    const QByteArray native = QFile::encodeName(m_path);
    const int fd = ::open(native.constData(), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0)
        return ApiError::internal(QStringLiteral("Cannot create %1: %2").arg(m_path, QString::fromLocal8Bit(strerror(errno))));
    ::close(fd);
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(native.constData(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
        const ApiError e = dbError(m_path, db, QStringLiteral("open"));
        sqlite3_close(db);
        return e;
    }
    sqlite3_busy_timeout(db, 5000);  // the CLI and the gateway may write at the same moment
    for (const char* sql : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", kSchema}) {
        if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
            const ApiError e = dbError(m_path, db, QString::fromLatin1(sql).left(40));
            sqlite3_close(db);
            return e;
        }
    }
    Statement version(db, "PRAGMA user_version");
    const int have = version.ok() && sqlite3_step(version.get()) == SQLITE_ROW
                         ? sqlite3_column_int(version.get(), 0) : 0;
    if (have > kSchemaVersion) {
        sqlite3_close(db);
        return ApiError::internal(QStringLiteral("Key store %1 has schema version %2, newer than this build "
                                                 "understands (%3).").arg(m_path).arg(have).arg(kSchemaVersion));
    }
    if (have < kSchemaVersion)
        sqlite3_exec(db, "PRAGMA user_version=1", nullptr, nullptr, nullptr);
    m_db = db;
    return importLegacyJson();
}

Status KeyStore::importLegacyJson() {
    const QString legacy = QFileInfo(m_path).absolutePath() + QStringLiteral("/keys.json");
    QFile file(legacy);
    if (!file.exists() || QFileInfo(legacy) == QFileInfo(m_path)) return Ok{};
    if (!file.open(QIODevice::ReadOnly))
        return ApiError::internal(QStringLiteral("Cannot read %1: %2").arg(legacy, file.errorString()));
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll());
    file.close();
    if (!doc.isObject())
        return ApiError::internal(QStringLiteral("%1 (from an older version) is not valid JSON; "
                                                 "move it away to start without its keys.").arg(legacy));
    sqlite3_exec(m_db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    for (const QJsonValue& v : doc.object().value(QStringLiteral("keys")).toArray()) {
        const QJsonObject o = v.toObject();
        KeyRecord r;
        r.id = o.value(QStringLiteral("id")).toString();
        r.name = o.value(QStringLiteral("name")).toString();
        r.createdAt = QDateTime::fromString(o.value(QStringLiteral("created_at")).toString(), Qt::ISODate);
        r.secretHash = QByteArray::fromHex(o.value(QStringLiteral("secret_sha256")).toString().toLatin1());
        r.policy = o.value(QStringLiteral("policy")).toObject();
        r.revoked = o.value(QStringLiteral("revoked")).toBool();
        if (r.id.isEmpty() || r.secretHash.size() != 32) continue;
        if (Status s = write(r); !s) {
            sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
            return s;
        }
    }
    if (sqlite3_exec(m_db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK)
        return dbError(m_path, m_db, QStringLiteral("importing keys.json"));
    QFile::remove(legacy);  // the hashes now live in the database only
    return Ok{};
}

Status KeyStore::readAll() {
    Statement dv(m_db, "PRAGMA data_version");
    const qint64 version = dv.ok() && sqlite3_step(dv.get()) == SQLITE_ROW ? sqlite3_column_int64(dv.get(), 0) : -1;
    Statement q(m_db, "SELECT id, name, created_ms, secret_sha256, policy, revoked FROM keys");
    if (!q.ok()) return dbError(m_path, m_db, QStringLiteral("reading keys"));
    QHash<QString, KeyRecord> keys;
    int rc;
    while ((rc = sqlite3_step(q.get())) == SQLITE_ROW) {
        KeyRecord r;
        r.id = q.text(0);
        r.name = q.text(1);
        r.createdAt = QDateTime::fromMSecsSinceEpoch(sqlite3_column_int64(q.get(), 2), Qt::UTC);
        r.secretHash = q.blob(3);
        r.policy = policyFromText(q.text(4));
        r.revoked = sqlite3_column_int(q.get(), 5) != 0;
        if (r.secretHash.size() == 32) keys.insert(r.id, std::move(r));
    }
    if (rc != SQLITE_DONE) return dbError(m_path, m_db, QStringLiteral("reading keys"));
    QWriteLocker lock(&m_lock);
    m_keys = std::move(keys);
    m_dataVersion = version;
    // Keys deleted elsewhere take their verified secrets with them.
    m_verified.removeIf([this](const auto& entry) { return !m_keys.contains(entry.key()); });
    return Ok{};
}

Status KeyStore::write(const KeyRecord& r) {
    Statement q(m_db,
                "INSERT INTO keys(id, name, created_ms, secret_sha256, policy, revoked, updated_ms)"
                " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
                " ON CONFLICT(id) DO UPDATE SET name = excluded.name, secret_sha256 = excluded.secret_sha256,"
                " policy = excluded.policy, revoked = excluded.revoked, updated_ms = excluded.updated_ms");
    if (!q.ok()) return dbError(m_path, m_db, QStringLiteral("saving key"));
    q.bindText(1, r.id);
    q.bindText(2, r.name);
    sqlite3_bind_int64(q.get(), 3, r.createdAt.toMSecsSinceEpoch());
    q.bindBlob(4, r.secretHash);
    q.bindText(5, QString::fromUtf8(QJsonDocument(r.policy).toJson(QJsonDocument::Compact)));
    sqlite3_bind_int(q.get(), 6, r.revoked ? 1 : 0);
    sqlite3_bind_int64(q.get(), 7, QDateTime::currentMSecsSinceEpoch());
    if (sqlite3_step(q.get()) != SQLITE_DONE) return dbError(m_path, m_db, QStringLiteral("saving key '%1'").arg(r.id));
    return Ok{};
}

Status KeyStore::load() {
    QMutexLocker db(&m_dbMutex);
    if (Status s = openDatabase(); !s) return s;
    return readAll();
}

void KeyStore::reloadIfChanged() {
    QMutexLocker db(&m_dbMutex);
    if (!m_db) {
        if (!openDatabase()) return;
        (void)readAll();
        return;
    }
    Statement dv(m_db, "PRAGMA data_version");  // changes only when another connection commits
    if (!dv.ok() || sqlite3_step(dv.get()) != SQLITE_ROW) return;
    if (sqlite3_column_int64(dv.get(), 0) != m_dataVersion) (void)readAll();
}

Result<QString> KeyStore::create(const QString& name, const QJsonObject& policy) {
    if (name.trimmed().isEmpty()) return ApiError::badRequest(QStringLiteral("A key needs a name."), QStringLiteral("name"));
    const ApiKeyParts parts = apikey::generate();
    KeyRecord r{parts.keyId, name.trimmed(), QDateTime::currentDateTimeUtc(),
                apikey::hashSecret(parts.secret), policy, false};
    QMutexLocker db(&m_dbMutex);
    if (Status s = openDatabase(); !s) return s.error();
    if (Status s = write(r); !s) return s.error();
    {
        QWriteLocker lock(&m_lock);
        m_keys.insert(r.id, r);
    }
    return apikey::format(parts);
}

namespace {
ApiError keyNotFound(const QString& id) {
    return ApiError::notFound(QStringLiteral("No key with id '%1'.").arg(id), QStringLiteral("key_not_found"));
}
}  // namespace

Status KeyStore::change(const QString& id, const std::function<Status(KeyRecord&)>& edit) {
    reloadIfChanged();
    QMutexLocker db(&m_dbMutex);
    std::optional<KeyRecord> r;
    {
        QReadLocker lock(&m_lock);
        if (auto it = m_keys.constFind(id); it != m_keys.constEnd()) r = *it;
    }
    if (!r) return keyNotFound(id);
    if (Status s = edit(*r); !s) return s;
    if (Status s = write(*r); !s) return s;  // the database first: memory never runs ahead of it
    QWriteLocker lock(&m_lock);
    m_keys.insert(id, *r);
    return Ok{};
}

Status KeyStore::revoke(const QString& id) {
    return change(id, [](KeyRecord& r) -> Status {
        r.revoked = true;
        return Ok{};
    });
}

std::optional<KeyRecord> KeyStore::get(const QString& id) {
    reloadIfChanged();
    QReadLocker lock(&m_lock);
    auto it = m_keys.constFind(id);
    if (it == m_keys.constEnd()) return std::nullopt;
    return *it;
}

Status KeyStore::updatePolicy(const QString& id, const QJsonObject& policy) {
    return change(id, [&policy](KeyRecord& r) -> Status {
        r.policy = policy;
        return Ok{};
    });
}

Result<QString> KeyStore::rotate(const QString& id) {
    ApiKeyParts parts = apikey::generate();
    parts.keyId = id;
    Status s = change(id, [&](KeyRecord& r) -> Status {
        if (r.revoked)
            return ApiError::badRequest(QStringLiteral("Key '%1' is revoked; create a new one.").arg(id), {},
                                        QStringLiteral("key_revoked"));
        r.secretHash = apikey::hashSecret(parts.secret);
        return Ok{};
    });
    if (!s) return s.error();
    return apikey::format(parts);
}

std::optional<KeyRecord> KeyStore::verify(QByteArrayView presented) {
    const auto parts = apikey::parse(presented);
    if (!parts) return std::nullopt;
    // Cheap cross-process freshness: one data_version read per interval, whoever's request
    // comes first.
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    qint64 last = m_lastRecheckMs.load();
    if (now - last >= m_recheckMs && m_lastRecheckMs.compare_exchange_strong(last, now))
        reloadIfChanged();
    for (int attempt = 0; attempt < 2; ++attempt) {
        QByteArray hash;
        {
            QReadLocker lock(&m_lock);
            auto it = m_keys.constFind(parts->keyId);
            if (it != m_keys.constEnd()) {
                if (it->revoked) return std::nullopt;
                auto seen = m_verified.constFind(parts->keyId);
                if (seen != m_verified.constEnd() && seen->hash == it->secretHash &&
                    apikey::hashesEqual(seen->secret, parts->secret))
                    return *it;
                hash = apikey::hashSecret(parts->secret);
                if (!apikey::hashesEqual(it->secretHash, hash)) return std::nullopt;
            }
        }
        if (!hash.isEmpty()) {
            QWriteLocker lock(&m_lock);
            auto it = m_keys.constFind(parts->keyId);
            // Re-checked: a rotation or revocation may have landed between the two locks.
            if (it == m_keys.constEnd() || it->revoked || it->secretHash != hash) return std::nullopt;
            m_verified.insert(parts->keyId, VerifiedSecret{hash, parts->secret});
            return *it;
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
