#include "usage/LedgerInserter.h"

#include <QFile>
#include <algorithm>
#include <vector>
#include <sqlite3.h>

#include "core/TextAppend.h"
#include "usage/AsciiCopy.h"
#include "usage/LedgerSchema.h"

namespace ar {

namespace {

constexpr int kTextColumns = 9;  // request_uid and the 8 text columns of a row

void appendText(std::string& out, const QString& s) {
    const size_t at = out.size();
    out.resize(at + size_t(s.size()));
    if (!copyPlainAscii(out.data() + at, reinterpret_cast<const char16_t*>(s.constData()), s.size())) {
        out.resize(at);
        text::appendUtf8(out, s);
    }
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
    const QByteArray insert = QByteArray("INSERT INTO requests (request_uid, ") + ledger_schema::columnList() +
                              ") VALUES ";
    const QByteArray values = "(?" + QByteArray(", ?").repeated(22) + ")";
    // In columnList() order: uid, ts_ms, key_id .. upstream_model, stream, status, then error_code
    // '', attempts, prompt and cached tokens, cache writes 0, completion, reasoning 0, images 0,
    // image size and quality '', cost, usage_estimated 0, latency, ttfb.
    const QByteArray plainValues = "(?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, 0, ?, 0, 0, '', '', ?, 0, ?, ?)";
    QByteArrayList inserts;
    for (int rows : kRowsPerStatement) inserts << insert + values + QByteArray(", " + values).repeated(rows - 1);
    for (int rows : kRowsPerStatement)
        inserts << insert + plainValues + QByteArray(", " + plainValues).repeated(rows - 1);
    std::vector<std::pair<sqlite3_stmt**, const char*>> statements = {
        {&m_mark, "UPDATE journal_mark SET process = ?, seq = ?"},
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
    m_text.reserve(1024);
    return Ok{};
}

bool LedgerInserter::run(sqlite3_stmt* s) {
    const int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE;
}

bool LedgerInserter::isPlain(const LedgerRow& r) {
    return r.errorCode.isEmpty() && r.cacheWriteTokens == 0 && r.reasoningTokens == 0 && r.images == 0 &&
           r.imageSize.isEmpty() && r.imageQuality.isEmpty() && !r.usageEstimated;
}

// Values in ledger_schema::columnList() order after the uid, row after row (a plain row's
// literals skipped). Text is bound in place (SQLITE_STATIC): m_text holds it until the step, and
// every parameter is bound again before the next one.
void LedgerInserter::bindRows(sqlite3_stmt* s, const JournalEntry* rows, int count, bool plain) {
    // Every text first (m_text may move while it grows), then the binds.
    m_text.clear();
    size_t ends[LedgerInserter::kMaxRowsPerStatement * kTextColumns];
    size_t* end = ends;
    for (int n = 0; n < count; ++n) {
        const JournalEntry& e = rows[n];
        const LedgerRow& r = e.row;
        m_text.append(e.process.constData(), size_t(e.process.size()));
        m_text += '-';
        text::appendNumber(m_text, qint64(e.requestId));
        *end++ = m_text.size();
        for (const QString* t : {&r.keyId, &r.endpoint, &r.model, &r.provider, &r.upstreamModel}) {
            appendText(m_text, *t);
            *end++ = m_text.size();
        }
        if (plain) continue;
        for (const QString* t : {&r.errorCode, &r.imageSize, &r.imageQuality}) {
            appendText(m_text, *t);
            *end++ = m_text.size();
        }
    }
    int i = 1;
    size_t from = 0;
    end = ends;
    auto bindText = [&] {
        sqlite3_bind_text(s, i++, m_text.data() + from, int(*end - from), SQLITE_STATIC);
        from = *end++;
    };
    for (int n = 0; n < count; ++n) {
        const LedgerRow& r = rows[n].row;
        bindText();  // request_uid
        sqlite3_bind_int64(s, i++, r.time.toMSecsSinceEpoch());
        bindText();  // key_id
        bindText();  // endpoint
        bindText();  // model
        bindText();  // provider
        bindText();  // upstream_model
        sqlite3_bind_int(s, i++, r.stream ? 1 : 0);
        sqlite3_bind_int(s, i++, r.status);
        if (!plain) bindText();  // error_code
        sqlite3_bind_int(s, i++, r.attempts);
        sqlite3_bind_int64(s, i++, r.promptTokens);
        sqlite3_bind_int64(s, i++, r.cachedTokens);
        if (!plain) sqlite3_bind_int64(s, i++, r.cacheWriteTokens);
        sqlite3_bind_int64(s, i++, r.completionTokens);
        if (!plain) {
            sqlite3_bind_int64(s, i++, r.reasoningTokens);
            sqlite3_bind_int(s, i++, r.images);
            bindText();  // image_size
            bindText();  // image_quality
        }
        sqlite3_bind_int64(s, i++, r.costMicros);
        if (!plain) sqlite3_bind_int(s, i++, r.usageEstimated ? 1 : 0);
        sqlite3_bind_int64(s, i++, r.latencyMs);
        sqlite3_bind_int64(s, i++, r.ttfbMs);
    }
}

Status LedgerInserter::insert(const QList<JournalEntry>& rows) {
    if (!m_db) return error(QStringLiteral("insert"));
    if (!run(m_begin)) return error(QStringLiteral("begin"));
    auto fail = [this](const QString& what) {
        const ApiError e = error(what);
        run(m_rollback);
        return e;
    };
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
            bindRows(statement, rows.constData() + at, kRowsPerStatement[k], plain);
            if (!run(statement)) return fail(QStringLiteral("insert"));
            at += kRowsPerStatement[k];
        }
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
    for (sqlite3_stmt** s : {&m_mark, &m_begin, &m_commit, &m_rollback}) {
        sqlite3_finalize(*s);
        *s = nullptr;
    }
    sqlite3_close(m_db);
    m_db = nullptr;
}

}  // namespace ar
