#pragma once

#include <QList>
#include <QString>
#include <iterator>
#include <vector>

#include "core/Result.h"
#include "usage/LedgerJournal.h"

struct sqlite3;
struct sqlite3_stmt;

namespace ar {

// The ledger's write side on the SQLite C API: one connection and its statements, prepared once
// for its whole life. Rows are bound as plain integers and as UTF-8 text pointing into one
// reused buffer (no allocation per row), and several rows per INSERT (a statement's start and
// end cost about as much as a row): a batch goes out as 16s, then an 8, a 4, a 2 and a 1 as needed. Qt Sql's QVariant binding and
// per-batch prepare cost more than the insert itself, and this runs on the same core as the
// proxy. Used by the writer thread and by the journal replay at start; one thread at a time.
class LedgerInserter {
public:
    static constexpr int kRowsPerStatement[] = {16, 8, 4, 2, 1};
    static constexpr int kMaxRowsPerStatement = kRowsPerStatement[0];

    LedgerInserter() = default;
    ~LedgerInserter();
    LedgerInserter(const LedgerInserter&) = delete;
    LedgerInserter& operator=(const LedgerInserter&) = delete;

    // Opens an existing, migrated ledger database.
    Status open(const QString& path);
    bool isOpen() const { return m_db != nullptr; }
    // One transaction, which also moves the journal mark to the last row that has a sequence
    // (a v1 line has none): the mark and the rows it covers commit together.
    Status insert(const QList<JournalEntry>& rows);
    // WAL pages not yet copied into the database. Checkpoints (the copy, and the only fsync()
    // of a WAL database at synchronous=NORMAL) are the caller's to run, not SQLite's after
    // some commit: an fsync stalled requests on this machine (p99 at one connection 3-6x
    // nginx's), so the ledger runs them when the gateway is idle.
    int walPages() const { return m_walPages; }
    // Copies what it can of the WAL into the database (PASSIVE: never waits for readers).
    Status checkpoint();
    void close();

private:
    ApiError error(const QString& what) const;
    // A plain row: the columns most requests have the same values in (status 200 on the first
    // attempt, no error, no images, no cache writes, no reasoning tokens, counted usage) are not
    // bound: status and attempts are literals, the rest the table's defaults (a bind costs about
    // as much as the insert does per column).
    static bool isPlain(const LedgerRow& row);
    void bindRows(sqlite3_stmt* statement, const JournalEntry* rows, int count, bool plain);
    bool run(sqlite3_stmt* statement);
    // The ids of the transaction's rows per minute, for request_minutes.
    void addToMinutes(qint64 tsMs, qint64 id);
    struct Minute {
        qint64 minute, firstId, lastId;
    };

    QString m_path;
    sqlite3* m_db = nullptr;
    int m_walPages = 0;
    sqlite3_stmt* m_insert[std::size(kRowsPerStatement)] = {};  // one per kRowsPerStatement
    sqlite3_stmt* m_insertPlain[std::size(kRowsPerStatement)] = {};  // the same for plain rows
    sqlite3_stmt* m_mark = nullptr;
    sqlite3_stmt* m_minute = nullptr;
    sqlite3_stmt* m_process = nullptr;
    sqlite3_stmt* m_begin = nullptr;
    sqlite3_stmt* m_commit = nullptr;
    sqlite3_stmt* m_rollback = nullptr;
    std::vector<char> m_text;  // the bound text of the rows being inserted
    qint64 m_rowMs[kMaxRowsPerStatement] = {};  // their times
    std::vector<Minute> m_minutes;  // of the transaction being inserted
    QByteArray m_lastProcess;  // the nonce of the newest row (request_processes)
    std::vector<std::pair<qint64, QByteArray>> m_processes;  // spans the transaction starts
};

}  // namespace ar
