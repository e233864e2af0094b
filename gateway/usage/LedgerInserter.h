#pragma once

#include <QHash>
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
// for its whole life. A row is bound as integers only: its route (key, endpoint, model,
// provider, upstream model, stream) as the id of its request_routes row, which the inserter
// keeps in memory and adds to in the same transaction when a row brings a new one; the rare
// texts (an error code, an image size) as UTF-8 pointing into one reused buffer (no allocation
// per row). Several rows go per INSERT (a statement's start and end cost about as much as a
// row): a batch goes out as 16s, then an 8, a 4, a 2 and a 1 as needed. Qt Sql's QVariant
// binding and per-batch prepare cost more than the insert itself, and this runs on the same
// core as the proxy. Used by the writer thread and by the journal replay at start; one thread
// at a time.
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
    // `routeIds`: the route id of each row, from resolveRoutes().
    void bindRows(sqlite3_stmt* statement, const JournalEntry* rows, const qint64* routeIds, int count, bool plain);
    // The request_routes id of every row into m_routeIds, adding the routes not seen before
    // (inside the open transaction). False on an SQLite error.
    bool resolveRoutes(const QList<JournalEntry>& rows);
    bool loadRoutes();

    struct Route {
        QString keyId, endpoint, model, provider, upstreamModel;
        bool stream = false;
        friend bool operator==(const Route&, const Route&) = default;
        bool is(const LedgerRow& r) const {
            return stream == r.stream && model == r.model && keyId == r.keyId && endpoint == r.endpoint &&
                   provider == r.provider && upstreamModel == r.upstreamModel;
        }
    };
    friend size_t qHash(const Route& r, size_t seed) {
        return qHashMulti(seed, r.keyId, r.endpoint, r.model, r.provider, r.upstreamModel, r.stream);
    }
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
    sqlite3_stmt* m_route = nullptr;
    sqlite3_stmt* m_minute = nullptr;
    sqlite3_stmt* m_process = nullptr;
    sqlite3_stmt* m_begin = nullptr;
    sqlite3_stmt* m_commit = nullptr;
    sqlite3_stmt* m_rollback = nullptr;
    std::vector<char> m_text;  // the bound text of the rows being inserted
    qint64 m_rowMs[kMaxRowsPerStatement] = {};  // their times
    std::vector<Minute> m_minutes;  // of the transaction being inserted
    QHash<Route, qint64> m_routes;  // every row of request_routes
    // The routes of the latest rows, newest first: most rows repeat one (no hashing then).
    static constexpr int kRecentRoutes = 4;
    Route m_recent[kRecentRoutes];
    qint64 m_recentIds[kRecentRoutes] = {};  // 0: none
    std::vector<Route> m_newRoutes;  // added by the open transaction: forgotten if it rolls back
    std::vector<qint64> m_routeIds;  // of the rows being inserted
    QByteArray m_lastProcess;  // the nonce of the newest row (request_processes)
    std::vector<std::pair<qint64, QByteArray>> m_processes;  // spans the transaction starts
};

}  // namespace ar
