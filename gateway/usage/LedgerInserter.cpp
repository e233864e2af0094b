#include "usage/LedgerInserter.h"

#include <QFile>
#include <sqlite3.h>

#include "usage/LedgerSchema.h"

namespace ar {

namespace {

void bindText(sqlite3_stmt* s, int i, const QString& text) {
    const QByteArray utf8 = text.toUtf8();
    sqlite3_bind_text(s, i, utf8.constData(), int(utf8.size()), SQLITE_TRANSIENT);
}

// Values in ledger_schema::columnList() order, after the uid at 1.
void bindRow(sqlite3_stmt* s, const QString& uid, const LedgerRow& r) {
    int i = 1;
    bindText(s, i++, uid);
    sqlite3_bind_int64(s, i++, r.time.toMSecsSinceEpoch());
    bindText(s, i++, r.keyId);
    bindText(s, i++, r.endpoint);
    bindText(s, i++, r.model);
    bindText(s, i++, r.provider);
    bindText(s, i++, r.upstreamModel);
    sqlite3_bind_int(s, i++, r.stream ? 1 : 0);
    sqlite3_bind_int(s, i++, r.status);
    bindText(s, i++, r.errorCode);
    sqlite3_bind_int(s, i++, r.attempts);
    sqlite3_bind_int64(s, i++, r.promptTokens);
    sqlite3_bind_int64(s, i++, r.cachedTokens);
    sqlite3_bind_int64(s, i++, r.cacheWriteTokens);
    sqlite3_bind_int64(s, i++, r.completionTokens);
    sqlite3_bind_int64(s, i++, r.reasoningTokens);
    sqlite3_bind_int(s, i++, r.images);
    bindText(s, i++, r.imageSize);
    bindText(s, i++, r.imageQuality);
    sqlite3_bind_int64(s, i++, r.costMicros);
    sqlite3_bind_int(s, i++, r.usageEstimated ? 1 : 0);
    sqlite3_bind_int64(s, i++, r.latencyMs);
    sqlite3_bind_int64(s, i++, r.ttfbMs);
}

}  // namespace

LedgerInserter::~LedgerInserter() { close(); }

ApiError LedgerInserter::error(const QString& what) const {
    return ApiError::internal(QStringLiteral("Usage ledger %1: %2: %3")
                                  .arg(m_path, what, m_db ? QString::fromUtf8(sqlite3_errmsg(m_db))
                                                          : QStringLiteral("not open")));
}

Status LedgerInserter::open(const QString& path) {
    close();
    m_path = path;
    if (sqlite3_open_v2(QFile::encodeName(path).constData(), &m_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                        nullptr) != SQLITE_OK) {
        const ApiError e = error(QStringLiteral("open"));
        close();
        return e;
    }
    // Same settings as the Qt Sql connections: WAL, and a commit survives a process kill.
    for (const char* pragma : ledger_schema::kConnectionPragmas) {
        if (sqlite3_exec(m_db, pragma, nullptr, nullptr, nullptr) != SQLITE_OK) {
            const ApiError e = error(QString::fromLatin1(pragma));
            close();
            return e;
        }
    }
    const QByteArray sql = QByteArray("INSERT OR IGNORE INTO requests (request_uid, ") +
                           ledger_schema::columnList() + ") VALUES (?" + QByteArray(", ?").repeated(22) + ")";
    if (sqlite3_prepare_v3(m_db, sql.constData(), int(sql.size()), SQLITE_PREPARE_PERSISTENT, &m_stmt, nullptr) !=
        SQLITE_OK) {
        const ApiError e = error(QStringLiteral("prepare insert"));
        close();
        return e;
    }
    return Ok{};
}

Status LedgerInserter::insert(const QList<std::pair<QString, LedgerRow>>& rows) {
    if (!m_stmt) return error(QStringLiteral("insert"));
    if (sqlite3_exec(m_db, "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK) return error(QStringLiteral("begin"));
    for (const auto& [uid, row] : rows) {
        bindRow(m_stmt, uid, row);
        const int rc = sqlite3_step(m_stmt);
        sqlite3_reset(m_stmt);
        if (rc != SQLITE_DONE) {
            const ApiError e = error(QStringLiteral("insert"));
            sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
            return e;
        }
    }
    if (sqlite3_exec(m_db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
        const ApiError e = error(QStringLiteral("commit"));
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
        return e;
    }
    return Ok{};
}

void LedgerInserter::close() {
    sqlite3_finalize(m_stmt);
    m_stmt = nullptr;
    sqlite3_close(m_db);
    m_db = nullptr;
}

}  // namespace ar
