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

// v2: replays are made idempotent by a high-water mark instead of a UNIQUE request_uid, which
// with AUTOINCREMENT's sqlite_sequence update was most of the cost of an insert. The table is
// rebuilt (SQLite cannot drop a UNIQUE constraint) keeping every row and its id; ids now come
// from the rowid (max + 1: rows are never deleted, so they still only grow).
const char* const kV2[] = {
    "CREATE TABLE requests_v2 ("
    " id INTEGER PRIMARY KEY,"
    " request_uid TEXT NOT NULL,"  // process nonce + request id, for correlation only
    " ts_ms INTEGER NOT NULL,"
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
    " cost_micros INTEGER NOT NULL DEFAULT -1,"
    " usage_estimated INTEGER NOT NULL DEFAULT 0,"
    " latency_ms INTEGER NOT NULL DEFAULT -1,"
    " ttfb_ms INTEGER NOT NULL DEFAULT -1)",
    "INSERT INTO requests_v2 SELECT * FROM requests ORDER BY id",
    "DROP TABLE requests",  // its indexes and its sqlite_sequence row go with it
    "ALTER TABLE requests_v2 RENAME TO requests",
    // Both serve LedgerQueries: time ranges (charts, exports, budgets) and totals of one key.
    "CREATE INDEX requests_ts ON requests(ts_ms)",
    "CREATE INDEX requests_key_ts ON requests(key_id, ts_ms)",
    // The journal line of the last committed row: its process and sequence. Rows are committed
    // in journal order, so everything up to it is in the table; a replay skips those lines.
    "CREATE TABLE journal_mark ("
    " singleton INTEGER PRIMARY KEY CHECK (singleton = 1),"
    " process TEXT NOT NULL,"
    " seq INTEGER NOT NULL)",
    "INSERT INTO journal_mark VALUES (1, '', 0)",
    nullptr,
};

// v3: cheaper rows. Every column is bound on every insert, so NOT NULL only cost a check per
// column per row (about 1k of the 15k instructions an insert took); and one index on
// (ts_ms, key_id) serves both the time ranges and the per-key totals (a range on ts_ms, the key
// compared in the index before any table row is read) where two indexes cost a B-tree insert
// each per row. The table is rebuilt keeping every row and its id.
const char* const kV3[] = {
    "CREATE TABLE requests_v3 ("
    " id INTEGER PRIMARY KEY,"
    " request_uid TEXT,"  // process nonce + request id, for correlation only
    " ts_ms INTEGER,"     // when it finished, ms since epoch (UTC)
    " key_id TEXT DEFAULT '',"
    " endpoint TEXT DEFAULT '',"
    " model TEXT DEFAULT '',"
    " provider TEXT DEFAULT '',"
    " upstream_model TEXT DEFAULT '',"
    " stream INTEGER DEFAULT 0,"
    " status INTEGER DEFAULT 0,"
    " error_code TEXT DEFAULT '',"
    " attempts INTEGER DEFAULT 0,"
    " prompt_tokens INTEGER DEFAULT 0,"
    " cached_tokens INTEGER DEFAULT 0,"
    " cache_write_tokens INTEGER DEFAULT 0,"
    " completion_tokens INTEGER DEFAULT 0,"
    " reasoning_tokens INTEGER DEFAULT 0,"
    " images INTEGER DEFAULT 0,"
    " image_size TEXT DEFAULT '',"
    " image_quality TEXT DEFAULT '',"
    " cost_micros INTEGER DEFAULT -1,"  // -1: unknown price, never summed as $0
    " usage_estimated INTEGER DEFAULT 0,"
    " latency_ms INTEGER DEFAULT -1,"
    " ttfb_ms INTEGER DEFAULT -1)",
    "INSERT INTO requests_v3 SELECT * FROM requests ORDER BY id",
    "DROP TABLE requests",
    "ALTER TABLE requests_v3 RENAME TO requests",
    "CREATE INDEX requests_ts_key ON requests(ts_ms, key_id)",
    nullptr,
};

// v4: no index on the requests table. Maintaining (ts_ms, key_id) was a quarter of an insert's
// cost. Rows are appended in journal order, which is finish order give or take a few ms, so a
// time range is a range of ids: request_minutes holds, per minute of ts_ms (ts_ms / 60000), the
// lowest and highest id of the rows that finished in it. A query reads the ids of the range's
// minutes there and searches the table by rowid between them, still filtering on ts_ms, so it
// stays exact when the clock steps back (the span then covers more ids, never fewer). The
// writer updates the minutes its transaction touched (one or two) with its rows.
//
// And no request_uid text per row (~30 bytes to bind and store): new rows leave it NULL and keep
// the request id as an integer; the process nonce is stored once per run of rows journaled by
// the same process (request_processes), and the request_uids view puts both back together.
const char* const kV4[] = {
    "CREATE TABLE request_minutes ("
    " minute INTEGER PRIMARY KEY,"  // ts_ms / 60000
    " first_id INTEGER NOT NULL,"
    " last_id INTEGER NOT NULL)",
    "INSERT INTO request_minutes SELECT ts_ms / 60000, MIN(id), MAX(id) FROM requests"
    " WHERE ts_ms IS NOT NULL GROUP BY ts_ms / 60000",
    "DROP INDEX requests_ts_key",
    "ALTER TABLE requests ADD COLUMN request_id INTEGER",
    // Rows from first_id up to the next first_id were journaled by `process`.
    "CREATE TABLE request_processes ("
    " first_id INTEGER PRIMARY KEY,"
    " process TEXT NOT NULL)",
    "CREATE VIEW request_uids AS SELECT id, COALESCE(request_uid, (SELECT p.process FROM request_processes p"
    " WHERE p.first_id <= requests.id ORDER BY p.first_id DESC LIMIT 1) || '-' || request_id) AS request_uid"
    " FROM requests",
    nullptr,
};

// v5: a row names its route by id. The five texts and the stream flag that say who asked for
// what and where it went (key, endpoint, model, provider, upstream model, stream) repeat from
// one request to the next: request_routes holds each combination once, and a row stores its id.
// Binding and storing those texts was a third of an insert's cost, on the core the proxy runs
// on; a row is now integers only, and about half the bytes. The table is rebuilt keeping every
// row and its id; the requests view reads exactly as the v4 table did (same columns, same
// order), so every query, and anyone reading the file with sqlite3, sees no change.
const char* const kV5[] = {
    "CREATE TABLE request_routes ("
    " id INTEGER PRIMARY KEY,"
    " key_id TEXT NOT NULL,"
    " endpoint TEXT NOT NULL,"
    " model TEXT NOT NULL,"
    " provider TEXT NOT NULL,"
    " upstream_model TEXT NOT NULL,"
    " stream INTEGER NOT NULL,"
    " UNIQUE (key_id, endpoint, model, provider, upstream_model, stream))",
    "INSERT INTO request_routes (key_id, endpoint, model, provider, upstream_model, stream)"
    " SELECT DISTINCT COALESCE(key_id, ''), COALESCE(endpoint, ''), COALESCE(model, ''), COALESCE(provider, ''),"
    " COALESCE(upstream_model, ''), COALESCE(stream, 0) FROM requests",
    "CREATE TABLE request_rows ("
    " id INTEGER PRIMARY KEY,"
    " request_uid TEXT,"  // rows before v4 only (see the request_uids view)
    " request_id INTEGER,"
    " ts_ms INTEGER,"     // when it finished, ms since epoch (UTC)
    " route_id INTEGER,"  // request_routes.id
    " status INTEGER DEFAULT 0,"
    " error_code TEXT DEFAULT '',"
    " attempts INTEGER DEFAULT 0,"
    " prompt_tokens INTEGER DEFAULT 0,"
    " cached_tokens INTEGER DEFAULT 0,"
    " cache_write_tokens INTEGER DEFAULT 0,"
    " completion_tokens INTEGER DEFAULT 0,"
    " reasoning_tokens INTEGER DEFAULT 0,"
    " images INTEGER DEFAULT 0,"
    " image_size TEXT DEFAULT '',"
    " image_quality TEXT DEFAULT '',"
    " cost_micros INTEGER DEFAULT -1,"  // -1: unknown price, never summed as $0
    " usage_estimated INTEGER DEFAULT 0,"
    " latency_ms INTEGER DEFAULT -1,"
    " ttfb_ms INTEGER DEFAULT -1)",
    "INSERT INTO request_rows SELECT r.id, r.request_uid, r.request_id, r.ts_ms, t.id, r.status, r.error_code,"
    " r.attempts, r.prompt_tokens, r.cached_tokens, r.cache_write_tokens, r.completion_tokens, r.reasoning_tokens,"
    " r.images, r.image_size, r.image_quality, r.cost_micros, r.usage_estimated, r.latency_ms, r.ttfb_ms"
    " FROM requests r JOIN request_routes t ON t.key_id = COALESCE(r.key_id, '') AND t.endpoint = COALESCE(r.endpoint, '')"
    " AND t.model = COALESCE(r.model, '') AND t.provider = COALESCE(r.provider, '')"
    " AND t.upstream_model = COALESCE(r.upstream_model, '') AND t.stream = COALESCE(r.stream, 0) ORDER BY r.id",
    "DROP VIEW request_uids",
    "DROP TABLE requests",
    // The v4 table's columns, in its order.
    "CREATE VIEW requests AS SELECT request_rows.id AS id, request_uid, ts_ms, key_id, endpoint, model, provider,"
    " upstream_model, stream, status, error_code, attempts, prompt_tokens, cached_tokens, cache_write_tokens,"
    " completion_tokens, reasoning_tokens, images, image_size, image_quality, cost_micros, usage_estimated,"
    " latency_ms, ttfb_ms, request_id"
    " FROM request_rows JOIN request_routes ON request_routes.id = request_rows.route_id",
    "CREATE VIEW request_uids AS SELECT id, COALESCE(request_uid, (SELECT p.process FROM request_processes p"
    " WHERE p.first_id <= request_rows.id ORDER BY p.first_id DESC LIMIT 1) || '-' || request_id) AS request_uid"
    " FROM request_rows",
    nullptr,
};

const Migration kMigrations[] = {{1, kV1}, {2, kV2}, {3, kV3}, {4, kV4}, {5, kV5}};

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

const char* inTimeRange() {
    return "id >= (SELECT MIN(first_id) FROM request_minutes WHERE minute BETWEEN ? AND ?)"
           " AND id <= (SELECT MAX(last_id) FROM request_minutes WHERE minute BETWEEN ? AND ?)"
           " AND ts_ms >= ? AND ts_ms < ?";
}

std::array<qint64, 6> inTimeRangeValues(qint64 fromMs, qint64 toMs) {
    const qint64 first = minuteOf(fromMs);
    // Through the minute of the last ms in the range (`to` is exclusive).
    const qint64 last = toMs > fromMs ? minuteOf(toMs - 1) : first - 1;
    return {first, last, first, last, fromMs, toMs};
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
