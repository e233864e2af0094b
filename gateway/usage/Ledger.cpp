#include "usage/Ledger.h"

#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTimer>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "core/Scheduling.h"
#include "events/EventBus.h"
#include "usage/LedgerInserter.h"
#include "usage/LedgerReplay.h"
#include "usage/LedgerRowCodec.h"
#include "usage/LedgerSchema.h"

namespace ar {

QString ledgerPath(const QString& dataDir) { return dataDir + QStringLiteral("/ledger.sqlite"); }

namespace {

// The lines of the journal's two files as one journal: the file holding the older lines first
// (the files take turns, each holding a run of sequences).
QByteArray inJournalOrder(const QByteArray& first, const QByteArray& second) {
    if (first.isEmpty() || second.isEmpty()) return first + second;
    const QList<JournalEntry> a = ledger_journal::parse(first.left(first.indexOf('\n') + 1));
    const QList<JournalEntry> b = ledger_journal::parse(second.left(second.indexOf('\n') + 1));
    const bool secondIsOlder = !a.isEmpty() && !b.isEmpty() && b.first().seq < a.first().seq;
    return secondIsOlder ? second + first : first + second;
}

}  // namespace

// The writer thread's side: its own connection (connections are per thread) and flush timer.
class LedgerWriter : public QObject {
public:
    explicit LedgerWriter(Ledger* ledger) : m_ledger(ledger) {}
    ~LedgerWriter() override { close(); }

    // Posted by Ledger::wakeWriter(): rows to flush, or a commit made on another thread.
    void wake() {
        m_ledger->m_writerWoken.store(false);
        const qsizetype queued = m_ledger->queuedRows();
        if (queued >= Ledger::kMaxBatchRows) m_ledger->drain();
        else if (queued > 0) schedule();
        restartIdle();
    }

    void schedule() {
        if (!m_timer) {  // created here, on the writer thread, like everything it touches
            m_timer = new QTimer(this);
            m_timer->setSingleShot(true);
            m_timer->setInterval(Ledger::kFlushIntervalMs);
            connect(m_timer, &QTimer::timeout, this, [this] { m_ledger->drain(); });
        }
        if (!m_timer->isActive()) m_timer->start();
    }

    // After a commit, on the writer thread: a checkpoint now if the WAL is past its bound,
    // else once nothing has been recorded for a while.
    void committed(int walPages) {
        if (walPages >= Ledger::kMaxWalPages) {
            checkpoint();
            return;
        }
        restartIdle();
    }

    void restartIdle() {
        if (!m_idle) {
            m_idle = new QTimer(this);
            m_idle->setSingleShot(true);
            m_idle->setInterval(Ledger::kIdleCheckpointMs);
            connect(m_idle, &QTimer::timeout, this, [this] {
                if (m_ledger->queuedRows() > 0) return;  // the next commit arms it again
                checkpoint();
            });
        }
        m_idle->start();  // restarted by every commit: it fires after a quiet second
    }

    void shutdown() {  // writer thread: last flush, then nothing of ours is left running
        while (m_ledger->drain()) {
        }
        delete m_timer;
        m_timer = nullptr;
        delete m_idle;
        m_idle = nullptr;
        close();  // the last connection to close checkpoints the rest
    }

    // Opened lazily by drain(), which holds m_insertMutex: the writer thread, or a recording
    // thread past the backlog bound, one at a time.
    LedgerInserter* inserter() {
        if (!m_inserter.isOpen()) {
            if (Status s = m_inserter.open(m_ledger->databasePath()); !s) {
                qWarning("%s", qPrintable(s.error().message));
                return nullptr;
            }
        }
        return &m_inserter;
    }

    void close() { m_inserter.close(); }

    // Any background thread (it takes the insert lock).
    void checkpoint() {
        QMutexLocker inserting(&m_ledger->m_insertMutex);  // the connection is shared with drain()
        if (!m_inserter.isOpen() || m_inserter.walPages() == 0) return;
        if (Status s = m_inserter.checkpoint(); !s) qWarning("%s", qPrintable(s.error().message));
    }

private:
    Ledger* m_ledger;
    QTimer* m_timer = nullptr;
    QTimer* m_idle = nullptr;
    LedgerInserter m_inserter;
};

Ledger::Ledger(const QString& dataDir, QObject* parent)
    : QObject(parent),
      m_dbPath(ledgerPath(dataDir)),
      m_journalPath(dataDir + QStringLiteral("/ledger.journal")),
      m_process(QByteArray::number(QRandomGenerator::system()->generate64(), 36)) {}

Ledger::~Ledger() {
    if (m_catchUp) {
        m_catchUpThread.quit();  // after the transactions it is running
        m_catchUpThread.wait();
        delete m_catchUp;
        m_catchUp = nullptr;
    }
    if (m_writer) {
        QMetaObject::invokeMethod(m_writer, [this] { m_writer->shutdown(); }, Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
        delete m_writer;
    }
    if (m_lockFd >= 0) ::close(m_lockFd);  // releases the lock
}

Status Ledger::open() {
    QDir().mkpath(QFileInfo(m_dbPath).absolutePath());
    // A second gateway on the same folder would replay, then truncate, the first one's journal
    // under it: only one may keep this ledger. The lock goes with the process, even on a kill.
    const QString lockPath = QFileInfo(m_dbPath).absolutePath() + QStringLiteral("/ledger.lock");
    m_lockFd = ::open(QFile::encodeName(lockPath).constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (m_lockFd < 0)
        return ApiError::internal(QStringLiteral("Usage ledger: cannot open %1").arg(lockPath));
    if (::flock(m_lockFd, LOCK_EX | LOCK_NB) != 0) {
        ::close(m_lockFd);
        m_lockFd = -1;
        return ApiError::internal(QStringLiteral("Another Agent Router gateway is already keeping the usage ledger in "
                                                 "%1. Stop it first, or give this one another data folder "
                                                 "(--data-dir).")
                                      .arg(QFileInfo(m_dbPath).absolutePath()));
    }
    const QString name = QStringLiteral("ar-ledger-open-%1").arg(quintptr(this), 0, 16);
    Status result = Ok{};
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(m_dbPath);
        if (!db.open()) {
            result = ApiError::internal(QStringLiteral("Usage ledger: cannot open %1: %2")
                                            .arg(m_dbPath, db.lastError().text()));
        } else if (Status s = ledger_schema::configure(db); !s) {
            result = s;
        } else if (Status m = ledger_schema::migrate(db); !m) {
            result = m;
        } else {
            // A journal left by a killed process: rows it holds may not be committed yet.
            // An older build's plain appended journal reads the same way: replayed once here,
            // then replaced by this build's format below.
            result = ledger_replay::replay(db, m_dbPath,
                                           inJournalOrder(LedgerJournalFile::readLines(journalPath(0)),
                                                          LedgerJournalFile::readLines(journalPath(1))));
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    if (!result) return result;

    for (int file : {0, 1}) {
        if (Status s = m_journals[file].open(journalPath(file)); !s) return s;
    }
    m_writer = new LedgerWriter(this);
    m_writer->moveToThread(&m_thread);
    m_thread.setObjectName(QStringLiteral("ledger-writer"));
    m_thread.start();
    QMetaObject::invokeMethod(m_writer, [] { scheduling::preferIdle(); }, Qt::QueuedConnection);
    m_catchUp = new QObject;
    m_catchUp->moveToThread(&m_catchUpThread);
    m_catchUpThread.setObjectName(QStringLiteral("ledger-catchup"));
    m_catchUpThread.start();
    QMetaObject::invokeMethod(m_catchUp, [] { scheduling::preferThroughput(); }, Qt::QueuedConnection);
    return Ok{};
}

void Ledger::attach(EventBus* bus) {
    // Direct: the row is journaled on the publishing thread before the response leaves the
    // process (socket writes go out when that thread returns to its event loop).
    bus->subscribeDirect(this, EventBus::bit(RequestEvent::Kind::Finished),
                         [this](const RequestEvent& e) { record(e); });
}

void Ledger::record(const RequestEvent& finished) {
    if (!m_writer) return;
    JournalEntry entry{m_process, 0, finished.requestId, ledger_row::fromEvent(finished)};
    // A text the request allocated (its path, its model) would be freed by the writer thread,
    // which holds the row last. glibc puts a chunk freed on another thread in that thread's
    // cache: the proxy thread's cache empties and its allocations take the slow path (perf:
    // libc on the proxy thread 2.97 us a request against 2.38 us without). Rows share one copy
    // of each recent text instead, kept and released on the recording thread.
    thread_local QString recent[6];
    int i = 0;
    for (QString* text : {&entry.row.keyId, &entry.row.endpoint, &entry.row.model, &entry.row.provider,
                          &entry.row.upstreamModel, &entry.row.errorCode}) {
        if (*text == recent[i]) *text = recent[i];
        else recent[i] = *text;
        ++i;
    }
    // The line's body outside the lock (on the stack: no allocation); only its head, which
    // carries the sequence, under it, and both in one write.
    ledger_journal::Buffer body, head;
    ledger_journal::appendBody(body, entry.requestId, entry.row);
    qsizetype queued;
    {
        QMutexLocker lock(&m_mutex);
        entry.seq = ++m_seq;
        ledger_journal::appendHead(head, m_process, entry.seq);
        LedgerJournalFile& journal = m_journals[m_active];
        if (!journal.append(head.data(), head.size(), body.data(), body.size()) && !m_journalFull) {
            m_journalFull = true;  // still queued and inserted; only a kill before then loses it
            qWarning("Usage ledger: cannot grow %s (disk full?)", qPrintable(journalPath(m_active)));
        }
        m_lastSeq[m_active] = entry.seq;
        // Past its compaction size, the next lines go to the other file once it has started over.
        if (journal.used() > kJournalCompactBytes && m_journals[1 - m_active].used() == 0) m_active = 1 - m_active;
        if (m_queue.isEmpty() || m_queue.last().size() == kRowsPerTransaction) {
            m_queue.append(m_free.isEmpty() ? QList<JournalEntry>() : m_free.takeLast());
            m_queue.last().reserve(kRowsPerTransaction);
        }
        m_queue.last().append(std::move(entry));
        queued = ++m_queued;
    }
    if (queued > m_maxBacklogRows) {
        // The core has had no idle time for a while: this thread inserts a transaction itself,
        // so the rows waiting in memory stay bounded under sustained load.
        drain();
        return;
    }
    if (queued == 1 || queued == kMaxBatchRows) wakeWriter();
    if (queued >= kCatchUpRows) wakeCatchUp();
}

void Ledger::wakeWriter() {
    if (!m_writerWoken.exchange(true))
        QMetaObject::invokeMethod(m_writer, [this] { m_writer->wake(); }, Qt::QueuedConnection);
}

void Ledger::wakeCatchUp() {
    if (m_catchUpWoken.exchange(true)) return;
    QMetaObject::invokeMethod(m_catchUp, [this] {
        m_catchUpWoken.store(false);
        while (drain()) QThread::yieldCurrentThread();  // a proxy thread that waits runs first
    }, Qt::QueuedConnection);
}

QObject* Ledger::writerContext() const { return m_writer; }

qsizetype Ledger::queuedRows() {
    QMutexLocker lock(&m_mutex);
    return m_queued + m_inserting;
}

bool Ledger::drain() {
    // One transaction at a time, from taking the oldest rows to their commit, whichever thread
    // runs it: rows must commit in journal order for the mark to be right.
    QMutexLocker inserting(&m_insertMutex);
    QList<JournalEntry> rows;
    bool more = false;
    {
        QMutexLocker lock(&m_mutex);
        // A short transaction at a time: when the proxy shares this core, it never waits for
        // more than one of them (a whole backlog in one transaction showed as p99 latency).
        if (m_queue.isEmpty()) return false;
        rows = m_queue.takeFirst();
        m_queued -= rows.size();
        m_inserting = rows.size();
        more = !m_queue.isEmpty();
    }
    if (rows.isEmpty()) return false;
    const quint64 lastSeq = rows.last().seq;  // rows are queued in sequence order
    const bool onWriter = QThread::currentThread() == &m_thread;
    const bool onCatchUp = QThread::currentThread() == &m_catchUpThread;
    if (more && onWriter) {
        QMetaObject::invokeMethod(m_writer, [this] { drain(); }, Qt::QueuedConnection);
    } else if (more && !onCatchUp) {
        wakeCatchUp();  // a recording thread past the backlog bound: the catch-up thread goes on
    }
    LedgerInserter* inserter = m_writer->inserter();
    Status s = inserter ? inserter->insert(rows)
                        : Status(ApiError::internal(QStringLiteral("Usage ledger: cannot open %1").arg(m_dbPath)));
    {
        QMutexLocker lock(&m_mutex);
        m_inserting = 0;
        if (!s) {
            // Keep them (they are still in the journal) and try again on the next flush.
            qWarning("%s", qPrintable(s.error().message));
            m_queued += rows.size();
            m_queue.prepend(std::move(rows));
            QMetaObject::invokeMethod(m_writer, [this] { m_writer->schedule(); }, Qt::QueuedConnection);
            return false;  // the next flush retries
        }
        if (m_free.size() < kFreeChunks) {
            rows.clear();  // keeps its capacity
            m_free.append(std::move(rows));
        }
        // A file whose lines are all committed starts over: the other one at once (lines moved
        // on from it past the compaction size), the one lines go to once past that size.
        for (int file : {0, 1}) {
            LedgerJournalFile& journal = m_journals[file];
            if (journal.used() > 0 && m_lastSeq[file] <= lastSeq &&
                (file != m_active || journal.used() > kJournalCompactBytes)) {
                journal.reset();
                m_journalFull = false;
            }
        }
    }
    const int walPages = inserter->walPages();
    inserting.unlock();
    // Checkpoints belong to the background threads: an fsync on a recording thread would be the
    // very stall they are kept away from. The WAL past its bound is copied at once (the catch-up
    // thread runs when the writer has no idle time); otherwise the writer waits for a quiet second.
    if (onWriter) {
        m_writer->committed(walPages);
    } else {
        if (walPages >= kMaxWalPages) {
            if (onCatchUp) m_writer->checkpoint();
            else QMetaObject::invokeMethod(m_catchUp, [this] { m_writer->checkpoint(); }, Qt::QueuedConnection);
        }
        wakeWriter();
    }
    return more;
}

}  // namespace ar
