#pragma once

#include <QMutex>
#include <QObject>
#include <QString>
#include <QThread>
#include <atomic>
#include <memory>

#include "core/Result.h"
#include "events/RequestEvent.h"
#include "usage/LedgerJournal.h"
#include "usage/LedgerJournalFile.h"
#include "usage/UsageQueries.h"

namespace ar {

class EventBus;
class LedgerWriter;

// The usage ledger: one SQLite row per finished request (ledger.sqlite in the data folder).
//
// The request path never waits for the database, and pays little for the ledger (the gateway
// may share one core with the writer, so every instruction counts; see bench/README.md's
// ledger_bench). record() (called on the proxy thread that publishes the Finished event) copies
// one line into the journal, a preallocated file mapped in memory (LedgerJournalFile: a memcpy,
// no system call, no fsync, and still there after a process kill), and queues the row. A
// writer thread with its own connection inserts queued rows in batched transactions (at most
// kFlushIntervalMs after the first, or at once when kMaxBatchRows are waiting); if it ever falls
// kMaxBacklogRows behind, recording threads insert a transaction themselves. Checkpoints (the
// fsync) wait for a quiet second. open() replays a journal left by a killed process (or an
// older build's), so a request whose answer was sent is never lost.
//
// The writer is an idle-priority thread (scheduling::preferIdle): it runs when the proxy has
// nothing to do, and a request that wakes a proxy thread never waits for its transaction. Under
// load that leaves no idle time it does not run at all: once kCatchUpRows wait, a second,
// SCHED_BATCH thread (preferThroughput: its fair share of the core) inserts until the queue is
// empty. (A thread cannot move itself back from idle priority without privileges.)
//
// The journal is two files that take turns: past kJournalCompactBytes, lines go to the other
// file as soon as every line in it is committed, and a file whose lines are all committed
// starts over. So the journal stays bounded even when rows never stop waiting. (With one file
// it could only start over once nothing waited: an idle writer with nothing to catch it up took
// the journal's mapped pages to 230 MB of RSS in a 10-minute soak.)
//
// Each journal line carries a sequence taken under the same lock as its append and its place in
// the queue, so rows commit in journal order; each transaction records its last line as the
// journal mark, and a replay skips the lines the mark covers (see ledger_replay).
class Ledger : public QObject {
    Q_OBJECT
public:
    // Larger batches pay a transaction's fixed cost (pages rewritten to the WAL, the mark)
    // over more rows: against 50 ms / 256 / 64 they gave 1.04-1.7x throughput at chat-16 in two
    // same-run comparisons, with p99 at one connection within the runs' spread.
    static constexpr int kFlushIntervalMs = 100;
    static constexpr int kMaxBatchRows = 1024;
    static constexpr int kRowsPerTransaction = 256;
    static constexpr qint64 kJournalCompactBytes = 1 << 20;
    static constexpr qsizetype kFreeChunks = kMaxBatchRows / kRowsPerTransaction;
    // Past this many rows waiting for the writer, the threads that record rows insert
    // transactions themselves: what waits in memory stays bounded whatever the writer's share.
    static constexpr qsizetype kMaxBacklogRows = 32'768;
    // Past this many rows waiting, the catch-up thread inserts (the writer had no idle time).
    static constexpr qsizetype kCatchUpRows = 4096;
    // The WAL is copied into the database (a checkpoint, with an fsync) once the gateway has
    // recorded nothing for kIdleCheckpointMs, or at once past kMaxWalPages (32 MB of 4 KB pages)
    // under load that never pauses.
    static constexpr int kIdleCheckpointMs = 1000;
    static constexpr int kMaxWalPages = 8192;

    explicit Ledger(const QString& dataDir, QObject* parent = nullptr);
    ~Ledger() override;  // commits what is queued

    // Creates or migrates the database, replays a leftover journal, starts the writer.
    Status open();
    // Records every Finished event published on `bus` (on the publishing thread).
    void attach(EventBus* bus);
    // Thread-safe.
    void record(const RequestEvent& finished);

    QString databasePath() const { return m_dbPath; }
    // Tests: a smaller bound, and the contexts of the writer and the catch-up thread (holding them
    // up stands for threads that get no time on the core).
    void setMaxBacklogRows(qsizetype rows) { m_maxBacklogRows = rows; }
    QObject* writerContext() const;
    QObject* catchUpContext() const { return m_catchUp; }
    qsizetype queuedRows();  // rows recorded, not yet committed
    // The journal's two files (see above); lines start in the first.
    QString journalPath(int file = 0) const { return file ? m_journalPath + QStringLiteral(".1") : m_journalPath; }

private:
    friend class LedgerWriter;
    // Inserts the oldest queued transaction (the writer thread, or a recording thread past
    // kMaxBacklogRows); true when rows are left for another one.
    bool drain();
    // Coalesced: at most one of each waits in the thread's event queue, however long it waits.
    void wakeWriter();
    void wakeCatchUp();

    QString m_dbPath;
    QString m_journalPath;
    QByteArray m_process;  // nonce unique per process: request ids and sequences restart
    int m_lockFd = -1;  // ledger.lock, held while open: one gateway per data folder

    QMutex m_mutex;  // guards the sequence, the journal append and the queue as one step
    QMutex m_insertMutex;  // one transaction at a time (taken before m_mutex)
    quint64 m_seq = 0;
    LedgerJournalFile m_journals[2];
    int m_active = 0;  // the file lines go to
    quint64 m_lastSeq[2] = {};  // of the last line appended to each file
    bool m_journalFull = false;  // warned once until the next reset
    // The queue, as chunks of up to kRowsPerTransaction rows (a transaction takes the oldest
    // one): an append never moves the rows queued before it, however far the writer is behind.
    QList<QList<JournalEntry>> m_queue;
    QList<QList<JournalEntry>> m_free;  // chunks inserted and emptied, their capacity kept
    qsizetype m_queued = 0;
    qsizetype m_inserting = 0;  // rows taken from the queue by the transaction under way
    qsizetype m_maxBacklogRows = kMaxBacklogRows;

    QThread m_thread;
    LedgerWriter* m_writer = nullptr;  // lives on m_thread
    std::atomic<bool> m_writerWoken{false};
    QThread m_catchUpThread;
    QObject* m_catchUp = nullptr;  // lives on m_catchUpThread
    std::atomic<bool> m_catchUpWoken{false};
};

// Path of the ledger inside a data folder.
QString ledgerPath(const QString& dataDir);

}  // namespace ar
