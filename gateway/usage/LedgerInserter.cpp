#include "usage/LedgerInserter.h"

#include <QFile>
#include <algorithm>
#include <cstring>
#include <vector>
#include <sqlite3.h>

#include "usage/AsciiCopy.h"
#include "usage/LedgerSchema.h"

namespace ar {

namespace {

// Writes the UTF-8 of `s` at `d` (room for kMaxUtf8BytesPerUnit a unit); returns its end.
char* putUtf8(char* d, const QString& s) {
    if (copyPlainAscii(d, reinterpret_cast<const char16_t*>(s.constData()), s.size())) return d + s.size();
    const QByteArray utf8 = s.toUtf8();  // control characters or non-ASCII: rare
    std::memcpy(d, utf8.constData(), size_t(utf8.size()));
    return d + utf8.size();
}

}  // namespace

LedgerInserter::~LedgerInserter() { close(); }

Status LedgerInserter::checkpoint() {
    if (!m_db) return error(QStringLiteral("checkpoint"));
    int walFrames = 0, copied = 0;
    if (sqlite3_wal_checkpoint_v2(m_db, nullptr, SQLITE_CHECKPOINT_PASSIVE, &walFrames, &copied) != SQLITE_OK)
        return error(QStringLiteral("checkpoint"));
    m_walPages = walFrames - copied;  // a reader may hold some back; the next commit says again
    return Ok{};
}

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
    // No automatic checkpoints on this, the only connection that writes while serving: the hook
    // below replaces SQLite's own (which checkpointed after the commit that passed 1000 pages).
    sqlite3_exec(m_db, "PRAGMA journal_size_limit=8388608", nullptr, nullptr, nullptr);  // WAL file after a checkpoint
    sqlite3_wal_hook(m_db, [](void* self, sqlite3*, const char*, int pages) {
        static_cast<LedgerInserter*>(self)->m_walPages = pages;
        return SQLITE_OK;
    }, this);
    // Rows go to request_rows (the requests view joins their routes back in; see the v5
    // migration). Binds in bindRows() order: the id, ts_ms, the route, then the plain row's
    // columns or every column of the others.
    const QByteArray insert =
        "INSERT INTO request_rows (request_id, ts_ms, route_id, status, error_code, attempts, prompt_tokens,"
        " cached_tokens, cache_write_tokens, completion_tokens, reasoning_tokens, images, image_size, image_quality,"
        " cost_micros, usage_estimated, latency_ms, ttfb_ms) VALUES ";
    const QByteArray values = "(?" + QByteArray(", ?").repeated(17) + ")";
    // A plain row names only the columns it sets: the rest (error_code '', cache writes,
    // reasoning tokens and images 0, image size and quality '', usage_estimated 0) take the
    // table's defaults, which cost SQLite less per row than literals in the VALUES rows.
    const QByteArray plainInsert =
        "INSERT INTO request_rows (request_id, ts_ms, route_id, status, attempts, prompt_tokens, cached_tokens,"
        " completion_tokens, cost_micros, latency_ms, ttfb_ms) VALUES ";
    const QByteArray plainValues = "(?, ?, ?, 200, 1, ?, ?, ?, ?, ?, ?)";
    QByteArrayList inserts;
    for (int rows : kRowsPerStatement) inserts << insert + values + QByteArray(", " + values).repeated(rows - 1);
    for (int rows : kRowsPerStatement)
        inserts << plainInsert + plainValues + QByteArray(", " + plainValues).repeated(rows - 1);
    std::vector<std::pair<sqlite3_stmt**, const char*>> statements = {
        {&m_mark, "UPDATE journal_mark SET process = ?, seq = ?"},
        // A route already there (another inserter added it) still gives its id.
        {&m_route, "INSERT INTO request_routes (key_id, endpoint, model, provider, upstream_model, stream)"
                   " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET stream = excluded.stream RETURNING id"},
        {&m_process, "INSERT INTO request_processes VALUES (?, ?)"},
        {&m_minute, "INSERT INTO request_minutes VALUES (?, ?, ?) ON CONFLICT (minute) DO UPDATE SET"
                    " first_id = MIN(first_id, excluded.first_id), last_id = MAX(last_id, excluded.last_id)"},
        // Prepared too: sqlite3_exec would parse them again for every transaction.
        {&m_begin, "BEGIN"},
        {&m_commit, "COMMIT"},
        {&m_rollback, "ROLLBACK"},
    };
    for (size_t i = 0; i < std::size(m_insert); ++i) {
        statements.push_back({&m_insert[i], inserts[qsizetype(i)].constData()});
        statements.push_back({&m_insertPlain[i], inserts[qsizetype(i + std::size(m_insert))].constData()});
    }
    for (const auto& [stmt, sql] : statements) {
        if (sqlite3_prepare_v3(m_db, sql, -1, SQLITE_PREPARE_PERSISTENT, stmt, nullptr) != SQLITE_OK) {
            const ApiError e = error(QStringLiteral("prepare %1").arg(QLatin1String(sql).left(24)));
            close();
            return e;
        }
    }
    if (!loadRoutes()) {
        const ApiError e = error(QStringLiteral("reading request_routes"));
        close();
        return e;
    }
    m_text.resize(4096);  // never empty: a null pointer would bind NULL, not ''
    // The process of the newest rows: the next run of rows from another one starts a new span.
    sqlite3_stmt* last = nullptr;
    if (sqlite3_prepare_v2(m_db, "SELECT process FROM request_processes ORDER BY first_id DESC LIMIT 1", -1, &last,
                           nullptr) == SQLITE_OK &&
        sqlite3_step(last) == SQLITE_ROW)
        m_lastProcess = QByteArray(reinterpret_cast<const char*>(sqlite3_column_text(last, 0)),
                                   sqlite3_column_bytes(last, 0));
    sqlite3_finalize(last);
    return Ok{};
}

bool LedgerInserter::run(sqlite3_stmt* s) {
    const int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE;
}

bool LedgerInserter::isPlain(const LedgerRow& r) {
    return r.status == 200 && r.attempts == 1 && r.errorCode.isEmpty() && r.cacheWriteTokens == 0 &&
           r.reasoningTokens == 0 && r.images == 0 && r.imageSize.isEmpty() && r.imageQuality.isEmpty() &&
           !r.usageEstimated;
}

bool LedgerInserter::loadRoutes() {
    m_routes.clear();
    std::fill(std::begin(m_recentIds), std::end(m_recentIds), 0);
    sqlite3_stmt* all = nullptr;
    if (sqlite3_prepare_v2(m_db, "SELECT id, key_id, endpoint, model, provider, upstream_model, stream FROM request_routes",
                           -1, &all, nullptr) != SQLITE_OK)
        return false;
    auto text = [all](int c) {
        return QString::fromUtf8(reinterpret_cast<const char*>(sqlite3_column_text(all, c)), sqlite3_column_bytes(all, c));
    };
    int rc;
    while ((rc = sqlite3_step(all)) == SQLITE_ROW)
        m_routes.insert({text(1), text(2), text(3), text(4), text(5), sqlite3_column_int(all, 6) != 0},
                        sqlite3_column_int64(all, 0));
    sqlite3_finalize(all);
    return rc == SQLITE_DONE;
}

bool LedgerInserter::resolveRoutes(const QList<JournalEntry>& rows) {
    m_routeIds.resize(size_t(rows.size()));
    for (qsizetype n = 0; n < rows.size(); ++n) {
        const LedgerRow& r = rows[n].row;
        int recent = 0;
        while (recent < kRecentRoutes && !(m_recentIds[recent] != 0 && m_recent[recent].is(r))) ++recent;
        if (recent == kRecentRoutes) {
            Route route{r.keyId, r.endpoint, r.model, r.provider, r.upstreamModel, r.stream};
            qint64 id = m_routes.value(route);
            if (id == 0) {
                // A new route: rare, so plain copies (constData() is never null: '' not NULL).
                int i = 1;
                for (const QString* t : {&r.keyId, &r.endpoint, &r.model, &r.provider, &r.upstreamModel}) {
                    const QByteArray utf8 = t->toUtf8();
                    sqlite3_bind_text(m_route, i++, utf8.constData(), int(utf8.size()), SQLITE_TRANSIENT);
                }
                sqlite3_bind_int(m_route, i, r.stream ? 1 : 0);
                if (sqlite3_step(m_route) == SQLITE_ROW) id = sqlite3_column_int64(m_route, 0);
                sqlite3_reset(m_route);
                if (id == 0) return false;
                m_routes.insert(route, id);
                m_newRoutes.push_back(route);
            }
            recent = kRecentRoutes - 1;  // the oldest one makes room
            m_recent[recent] = std::move(route);
            m_recentIds[recent] = id;
        }
        // Newest first.
        std::rotate(m_recent, m_recent + recent, m_recent + recent + 1);
        std::rotate(m_recentIds, m_recentIds + recent, m_recentIds + recent + 1);
        m_routeIds[size_t(n)] = m_recentIds[0];
    }
    return true;
}

// The request id, ts_ms and route id, then the statement's other columns, row after row. Text
// is bound in place (SQLITE_STATIC): m_text holds it until the step, and every parameter is
// bound again before the next one.
void LedgerInserter::bindRows(sqlite3_stmt* s, const JournalEntry* rows, const qint64* routeIds, int count,
                              bool plain) {
    char* d = m_text.data();
    if (!plain) {
        // Room for every text first: the buffer does not move while the texts in it are bound.
        qsizetype room = 0;
        for (int n = 0; n < count; ++n) {
            const LedgerRow& r = rows[n].row;
            room += r.errorCode.size() + r.imageSize.size() + r.imageQuality.size();
        }
        if (qsizetype(m_text.size()) < room * kMaxUtf8BytesPerUnit) m_text.resize(size_t(room * kMaxUtf8BytesPerUnit));
        d = m_text.data();
    }
    int i = 1;
    auto bindText = [&](const QString& text) {
        char* const end = putUtf8(d, text);
        sqlite3_bind_text(s, i++, d, int(end - d), SQLITE_STATIC);
        d = end;
    };
    for (int n = 0; n < count; ++n) {
        const LedgerRow& r = rows[n].row;
        sqlite3_bind_int64(s, i++, qint64(rows[n].requestId));
        m_rowMs[n] = r.time.toMSecsSinceEpoch();
        sqlite3_bind_int64(s, i++, m_rowMs[n]);
        sqlite3_bind_int64(s, i++, routeIds[n]);
        if (!plain) {
            sqlite3_bind_int(s, i++, r.status);
            bindText(r.errorCode);
            sqlite3_bind_int(s, i++, r.attempts);
        }
        sqlite3_bind_int64(s, i++, r.promptTokens);
        sqlite3_bind_int64(s, i++, r.cachedTokens);
        if (!plain) sqlite3_bind_int64(s, i++, r.cacheWriteTokens);
        sqlite3_bind_int64(s, i++, r.completionTokens);
        if (!plain) {
            sqlite3_bind_int64(s, i++, r.reasoningTokens);
            sqlite3_bind_int(s, i++, r.images);
            bindText(r.imageSize);
            bindText(r.imageQuality);
        }
        sqlite3_bind_int64(s, i++, r.costMicros);
        if (!plain) sqlite3_bind_int(s, i++, r.usageEstimated ? 1 : 0);
        sqlite3_bind_int64(s, i++, r.latencyMs);
        sqlite3_bind_int64(s, i++, r.ttfbMs);
    }
}

void LedgerInserter::addToMinutes(qint64 tsMs, qint64 id) {
    const qint64 minute = ledger_schema::minuteOf(tsMs);
    // A transaction's rows fall in one or two minutes: the last one first.
    for (auto m = m_minutes.rbegin(); m != m_minutes.rend(); ++m) {
        if (m->minute == minute) {
            m->firstId = qMin(m->firstId, id);
            m->lastId = qMax(m->lastId, id);
            return;
        }
    }
    m_minutes.push_back({minute, id, id});
}

Status LedgerInserter::insert(const QList<JournalEntry>& rows) {
    if (!m_db) return error(QStringLiteral("insert"));
    m_minutes.clear();
    m_processes.clear();
    m_newRoutes.clear();
    const QByteArray lastProcess = m_lastProcess;
    if (!run(m_begin)) return error(QStringLiteral("begin"));
    auto fail = [this, &lastProcess](const QString& what) {
        const ApiError e = error(what);
        run(m_rollback);
        m_lastProcess = lastProcess;  // its spans were rolled back with the rows
        for (const Route& r : m_newRoutes) m_routes.remove(r);  // and the routes it added
        std::fill(std::begin(m_recentIds), std::end(m_recentIds), 0);
        return e;
    };
    if (!resolveRoutes(rows)) return fail(QStringLiteral("request routes"));
    // In journal order (ids follow it): each run of plain or other rows, as many rows per
    // statement as the run has left.
    for (qsizetype at = 0; at < rows.size();) {
        const bool plain = isPlain(rows[at].row);
        qsizetype runEnd = at + 1;
        while (runEnd < rows.size() && isPlain(rows[runEnd].row) == plain) ++runEnd;
        while (at < runEnd) {
            size_t k = 0;
            while (kRowsPerStatement[k] > runEnd - at) ++k;
            sqlite3_stmt* statement = plain ? m_insertPlain[k] : m_insert[k];
            bindRows(statement, rows.constData() + at, m_routeIds.data() + at, kRowsPerStatement[k], plain);
            if (!run(statement)) return fail(QStringLiteral("insert"));
            // The statement's rows took the ids after the table's largest, one by one (rows are
            // only ever appended): its last one's id tells them all.
            const qint64 firstId = sqlite3_last_insert_rowid(m_db) - kRowsPerStatement[k] + 1;
            for (int n = 0; n < kRowsPerStatement[k]; ++n) {
                const JournalEntry& e = rows[at + n];
                addToMinutes(m_rowMs[n], firstId + n);
                // Shared copies of one nonce, mostly: the pointers compare equal first.
                if (e.process.constData() != m_lastProcess.constData() && e.process != m_lastProcess) {
                    m_lastProcess = e.process;
                    m_processes.push_back({firstId + n, e.process});
                }
            }
            at += kRowsPerStatement[k];
        }
    }
    for (const auto& [firstId, process] : m_processes) {
        sqlite3_bind_int64(m_process, 1, firstId);
        sqlite3_bind_text(m_process, 2, process.constData(), int(process.size()), SQLITE_STATIC);
        if (!run(m_process)) return fail(QStringLiteral("request processes"));
    }
    for (const Minute& m : m_minutes) {
        sqlite3_bind_int64(m_minute, 1, m.minute);
        sqlite3_bind_int64(m_minute, 2, m.firstId);
        sqlite3_bind_int64(m_minute, 3, m.lastId);
        if (!run(m_minute)) return fail(QStringLiteral("request minutes"));
    }
    const auto last = std::find_if(rows.rbegin(), rows.rend(), [](const JournalEntry& e) { return e.seq > 0; });
    if (last != rows.rend()) {
        sqlite3_bind_text(m_mark, 1, last->process.constData(), int(last->process.size()), SQLITE_STATIC);
        sqlite3_bind_int64(m_mark, 2, sqlite3_int64(last->seq));
        if (!run(m_mark)) return fail(QStringLiteral("journal mark"));
    }
    if (!run(m_commit)) return fail(QStringLiteral("commit"));
    return Ok{};
}

void LedgerInserter::close() {
    for (auto* list : {&m_insert, &m_insertPlain}) {
        for (sqlite3_stmt*& s : *list) {
            sqlite3_finalize(s);
            s = nullptr;
        }
    }
    for (sqlite3_stmt** s : {&m_mark, &m_route, &m_process, &m_minute, &m_begin, &m_commit, &m_rollback}) {
        sqlite3_finalize(*s);
        *s = nullptr;
    }
    sqlite3_close(m_db);
    m_db = nullptr;
}

}  // namespace ar
