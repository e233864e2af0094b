#include "usage/LedgerSchema.h"

#include <QDateTime>
#include <QSqlError>
#include <QSqlQuery>

namespace ar::ledger_schema {

namespace {

struct Migration {
    int version;
    const char* const* statements;
};

const char* const kV1[] = {
    "CREATE TABLE requests ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " request_uid TEXT NOT NULL UNIQUE,"  // process nonce + request id: replays are idempotent
    " ts_ms INTEGER NOT NULL,"            // when it finished, ms since epoch (UTC)
    " key_id TEXT NOT NULL DEFAULT '',"
    " endpoint TEXT NOT NULL DEFAULT '',"
    " model TEXT NOT NULL DEFAULT '',"
    " provider TEXT NOT NULL DEFAULT '',"
    " upstream_model TEXT NOT NULL DEFAULT '',"
    " stream INTEGER NOT NULL DEFAULT 0,"
    " status INTEGER NOT NULL DEFAULT 0,"
    " error_code TEXT NOT NULL DEFAULT '',"
    " attempts INTEGER NOT NULL DEFAULT 0,"
    " prompt_tokens INTEGER NOT NULL DEFAULT 0,"
    " cached_tokens INTEGER NOT NULL DEFAULT 0,"
    " cache_write_tokens INTEGER NOT NULL DEFAULT 0,"
    " completion_tokens INTEGER NOT NULL DEFAULT 0,"
    " reasoning_tokens INTEGER NOT NULL DEFAULT 0,"
    " images INTEGER NOT NULL DEFAULT 0,"
    " image_size TEXT NOT NULL DEFAULT '',"
    " image_quality TEXT NOT NULL DEFAULT '',"
    " cost_micros INTEGER NOT NULL DEFAULT -1,"  // -1: unknown price, never summed as $0
    " usage_estimated INTEGER NOT NULL DEFAULT 0,"
    " latency_ms INTEGER NOT NULL DEFAULT -1,"
    " ttfb_ms INTEGER NOT NULL DEFAULT -1)",
    "CREATE INDEX requests_ts ON requests(ts_ms)",
    "CREATE INDEX requests_key_ts ON requests(key_id, ts_ms)",
    nullptr,
};

const Migration kMigrations[] = {{1, kV1}};

ApiError sqlError(const QString& what, const QSqlError& e) {
    return ApiError::internal(QStringLiteral("Usage ledger: %1: %2").arg(what, e.text()));
}

}  // namespace

int currentVersion() { return kMigrations[std::size(kMigrations) - 1].version; }

const char* columnList() {
    return "ts_ms, key_id, endpoint, model, provider, upstream_model, stream, status, error_code,"
           " attempts, prompt_tokens, cached_tokens, cache_write_tokens, completion_tokens,"
           " reasoning_tokens, images, image_size, image_quality, cost_micros, usage_estimated,"
           " latency_ms, ttfb_ms";
}

Status configure(QSqlDatabase& db) {
    QSqlQuery q(db);
    for (const char* pragma : kConnectionPragmas) {
        if (!q.exec(QString::fromLatin1(pragma))) return sqlError(QString::fromLatin1(pragma), q.lastError());
    }
    return Ok{};
}

Status migrate(QSqlDatabase& db) {
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS schema_migrations ("
                               " version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)")))
        return sqlError(QStringLiteral("creating schema_migrations"), q.lastError());
    int have = 0;
    if (q.exec(QStringLiteral("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")) && q.next())
        have = q.value(0).toInt();
    if (have > currentVersion())
        return ApiError::internal(QStringLiteral("Usage ledger %1 has schema version %2, newer than this "
                                                 "build understands (%3).")
                                      .arg(db.databaseName()).arg(have).arg(currentVersion()));
    for (const Migration& m : kMigrations) {
        if (m.version <= have) continue;
        if (!db.transaction()) return sqlError(QStringLiteral("begin migration"), db.lastError());
        for (const char* const* s = m.statements; *s; ++s) {
            if (!q.exec(QString::fromLatin1(*s))) {
                const ApiError e = sqlError(QStringLiteral("migration %1").arg(m.version), q.lastError());
                db.rollback();
                return e;
            }
        }
        q.prepare(QStringLiteral("INSERT INTO schema_migrations(version, applied_at) VALUES (?, ?)"));
        q.addBindValue(m.version);
        q.addBindValue(QDateTime::currentDateTimeUtc().toString(Qt::ISODate));
        if (!q.exec() || !db.commit()) {
            const ApiError e = sqlError(QStringLiteral("migration %1").arg(m.version), q.lastError());
            db.rollback();
            return e;
        }
    }
    return Ok{};
}

}  // namespace ar::ledger_schema
