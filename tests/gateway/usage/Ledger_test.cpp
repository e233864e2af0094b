// The ledger on a temp folder: schema, batched writes, journal replay, and the queries.
#include <QFile>
#include <QThread>
#include <QFileInfo>
#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSemaphore>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <gtest/gtest.h>
#include <memory>

#include "usage/Ledger.h"
#include "usage/LedgerJournal.h"
#include "usage/LedgerJournalFile.h"
#include "usage/LedgerQueries.h"
#include "usage/LedgerRowCodec.h"
#include "usage/LedgerSchema.h"

namespace ar {
namespace {

const QDateTime kT0(QDate(2026, 5, 4), QTime(10, 15), Qt::UTC);

RequestEvent finished(quint64 id, const QDateTime& at, const QString& model, const QString& key,
                      qint64 prompt, qint64 completion, qint64 cost, int status = 200) {
    RequestEvent e;
    e.kind = RequestEvent::Kind::Finished;
    e.requestId = id;
    e.timestampMs = at.toMSecsSinceEpoch();
    e.path = QStringLiteral("/v1/chat/completions");
    e.keyId = key;
    e.model = model;
    e.provider = model.startsWith(QLatin1String("claude")) ? QStringLiteral("anthropic") : QStringLiteral("openai");
    e.upstreamModel = model + QStringLiteral("-2024");
    e.stream = id % 2;
    e.status = status;
    e.errorCode = status >= 400 ? QStringLiteral("upstream_error") : QString();
    e.attempts = 1;
    e.usage.promptTokens = prompt;
    e.usage.completionTokens = completion;
    e.usage.cachedTokens = prompt / 2;
    e.usage.cacheWriteTokens = 1;
    e.usage.reasoningTokens = completion / 4;
    e.usage.estimated = id == 3;
    e.costMicros = cost;
    e.latencyMs = 120;
    e.ttfbMs = 30;
    return e;
}

// Holds the thread of `context` (a ledger's writer or catch-up thread) until destroyed: a thread
// that gets no time on the core.
class HeldThread {
public:
    explicit HeldThread(QObject* context) {
        // Shared: the held thread may still be returning from acquire() after this is gone.
        QMetaObject::invokeMethod(context, [s = m_semaphores] {
            s->first.release();
            s->second.acquire();
        }, Qt::QueuedConnection);
        held = m_semaphores->first.tryAcquire(1, 10'000);
    }
    ~HeldThread() { m_semaphores->second.release(); }
    bool held = false;

private:
    std::shared_ptr<std::pair<QSemaphore, QSemaphore>> m_semaphores =
        std::make_shared<std::pair<QSemaphore, QSemaphore>>();  // held, released
};

// An open ledger with a backlog bound whose writer and catch-up threads get no time on the core
// until release(): recording threads past the bound are the only ones to insert.
struct StalledLedger {
    StalledLedger(const QString& dir, qsizetype bound) : ledger(dir) {
        opened = ledger.open().ok();
        ledger.setMaxBacklogRows(bound);
        writer = std::make_unique<HeldThread>(ledger.writerContext());
        catchUp = std::make_unique<HeldThread>(ledger.catchUpContext());
    }
    bool stalled() const { return opened && writer->held && catchUp->held; }
    void release() {
        catchUp.reset();
        writer.reset();
    }

    Ledger ledger;  // destroyed last: it commits what is queued once the threads run again
    bool opened = false;
    std::unique_ptr<HeldThread> writer, catchUp;
};

class LedgerTest : public ::testing::Test {
protected:
    void record(const QList<RequestEvent>& events) {
        Ledger ledger(dir.path());
        ASSERT_TRUE(ledger.open());
        for (const RequestEvent& e : events) ledger.record(e);
    }  // destruction commits what is queued

    // The journal's first file, or its second (`file` 1).
    QString journalPath(int file = 0) const {
        return dir.path() + (file ? QStringLiteral("/ledger.journal.1") : QStringLiteral("/ledger.journal"));
    }
    void writeJournal(const QByteArray& lines, int file = 0) {
        QFile journal(journalPath(file));
        ASSERT_TRUE(journal.open(QIODevice::WriteOnly | QIODevice::Truncate));
        journal.write(lines);
    }
    // The journal's lines, without the zeros the mapped file is padded with.
    QByteArray readJournal() { return LedgerJournalFile::readLines(journalPath()); }
    // Runs `work` on a connection of its own to the ledger.
    template <typename Fn>
    void withDb(Fn&& work) {
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("ledger-test"));
            db.setDatabaseName(ledgerPath(dir.path()));
            ASSERT_TRUE(db.open());
            work(db);
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("ledger-test"));
    }
    std::pair<QByteArray, quint64> mark() {
        std::pair<QByteArray, quint64> m;
        withDb([&](QSqlDatabase& db) {
            QSqlQuery q(db);
            ASSERT_TRUE(q.exec(QStringLiteral("SELECT process, seq FROM journal_mark")) && q.next());
            m = {q.value(0).toString().toLatin1(), q.value(1).toULongLong()};
            EXPECT_FALSE(q.next()) << "one mark";
        });
        return m;
    }
    // The request_uid of every row (its process nonce and request id), in id order.
    QStringList uids() {
        QStringList out;
        withDb([&](QSqlDatabase& db) {
            QSqlQuery q(db);
            EXPECT_TRUE(q.exec(QStringLiteral("SELECT request_uid FROM request_uids ORDER BY id")));
            while (q.next()) out << q.value(0).toString();
        });
        return out;
    }

    // Creates a ledger with an older build's statements; returns its rows, all 24 columns.
    QList<QVariantList> createOlderLedger(const char* const* statements) {
        QList<QVariantList> rows;
        withDb([&](QSqlDatabase& db) {
            QSqlQuery q(db);
            for (const char* const* sql = statements; *sql; ++sql)
                EXPECT_TRUE(q.exec(QString::fromUtf8(*sql))) << *sql;
            EXPECT_TRUE(q.exec(QStringLiteral("SELECT * FROM requests ORDER BY id")));
            while (q.next()) {
                QVariantList row;
                for (int c = 0; c < 24; ++c) row << q.value(c);
                rows << row;
            }
        });
        return rows;
    }

    // The shapes of LedgerQueries' reads, with its time condition: each searches the rows by id
    // between the ids request_minutes gives (itself searched by minute), and each row's route
    // by its id; none scans a table.
    static void expectEveryQuerySearches(QSqlQuery& q) {
        const QString range = QStringLiteral(" FROM requests WHERE ") + QLatin1String(ledger_schema::inTimeRange());
        for (const QString& sql :
             {QStringLiteral("SELECT (ts_ms / 3600000) * 3600000 AS b, model AS g, COUNT(*)") + range +
                  QStringLiteral(" GROUP BY b, g ORDER BY b, g"),
              QStringLiteral("SELECT 1 AS b, '' AS g, SUM(cost_micros)") + range +
                  QStringLiteral(" AND key_id = 'key1' GROUP BY b, g ORDER BY b, g"),
              QStringLiteral("SELECT id, model") + range + QStringLiteral(" ORDER BY id"),
              QStringLiteral("SELECT key_id, SUM(cost_micros)") + range + QStringLiteral(" AND cost_micros > 0 GROUP BY key_id")}) {
            ASSERT_TRUE(q.prepare(QStringLiteral("EXPLAIN QUERY PLAN ") + sql)) << qPrintable(sql);
            for (qint64 v : ledger_schema::inTimeRangeValues(1, 2)) q.addBindValue(v);
            ASSERT_TRUE(q.exec()) << qPrintable(sql);
            QStringList plan;
            while (q.next()) plan << q.value(3).toString();
            const QString text = plan.join(QLatin1Char('\n'));
            EXPECT_TRUE(plan.contains(QLatin1String("SEARCH request_rows USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)")))
                << qPrintable(sql + "\n" + text);
            EXPECT_TRUE(plan.contains(QLatin1String("SEARCH request_routes USING INTEGER PRIMARY KEY (rowid=?)")))
                << qPrintable(sql + "\n" + text);
            EXPECT_EQ(plan.count(QLatin1String("SEARCH request_minutes USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)")), 2)
                << qPrintable(sql + "\n" + text);
            EXPECT_FALSE(text.contains(QLatin1String("SCAN"))) << qPrintable(sql + "\n" + text);
        }
    }

    // Reads the rows in id order and checks the first ones are `before`, every column unchanged;
    // `q` is left on the last of them.
    static void expectRowsKept(QSqlQuery& q, const QList<QVariantList>& before) {
        ASSERT_TRUE(q.exec(QStringLiteral("SELECT * FROM requests ORDER BY id")));
        for (const QVariantList& row : before) {
            ASSERT_TRUE(q.next());
            for (int c = 0; c < 24; ++c) EXPECT_EQ(q.value(c), row[c]) << "id " << row[0].toInt() << " column " << c;
        }
    }

    QTemporaryDir dir;
};

TEST_F(LedgerTest, CreatesAVersionedWalDatabase) {
    record({});
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("schema-check"));
    db.setDatabaseName(ledgerPath(dir.path()));
    ASSERT_TRUE(db.open());
    {
        QSqlQuery q(db);
        ASSERT_TRUE(q.exec(QStringLiteral("PRAGMA journal_mode")) && q.next());
        EXPECT_EQ(q.value(0).toString(), "wal");
        ASSERT_TRUE(q.exec(QStringLiteral("SELECT MAX(version) FROM schema_migrations")) && q.next());
        EXPECT_EQ(q.value(0).toInt(), 5);
    }
    db.close();
    db = QSqlDatabase();
    QSqlDatabase::removeDatabase(QStringLiteral("schema-check"));
    record({});  // reopening does not re-run migrations
}

TEST_F(LedgerTest, OnlyOneGatewayKeepsTheLedgerOfADataFolder) {
    auto first = std::make_unique<Ledger>(dir.path());
    ASSERT_TRUE(first->open().ok());
    Ledger second(dir.path());
    const Status refused = second.open();
    ASSERT_FALSE(refused.ok()) << "a second gateway would truncate the first one's journal";
    EXPECT_TRUE(refused.error().message.contains(QStringLiteral("already keeping the usage ledger in ") + dir.path()))
        << refused.error().message.toStdString();
    EXPECT_TRUE(refused.error().message.contains(QStringLiteral("--data-dir")));
    first.reset();  // stopping it frees the folder
    Ledger third(dir.path());
    EXPECT_TRUE(third.open().ok());
}

TEST_F(LedgerTest, EveryColumnRoundTrips) {
    RequestEvent e = finished(7, kT0, QStringLiteral("dall-e-3"), QStringLiteral("key1"), 10, 0, 80'000);
    e.path = QStringLiteral("/v1/images/generations");
    e.images = 2;
    e.imageSize = QStringLiteral("1024x1792");
    e.imageQuality = QStringLiteral("hd");
    record({e});
    const QList<LedgerRow> rows = LedgerQueries(ledgerPath(dir.path())).requests(10);
    ASSERT_EQ(rows.size(), 1);
    LedgerRow expected = ledger_row::fromEvent(e);
    expected.id = rows[0].id;
    EXPECT_EQ(ledger_row::toJson(rows[0]), ledger_row::toJson(expected));
    EXPECT_EQ(rows[0].images, 2);
    EXPECT_EQ(rows[0].imageQuality, "hd");
    EXPECT_EQ(rows[0].ttfbMs, 30);
}

TEST_F(LedgerTest, EmptyTextsAreStoredAsEmptyNotNull) {
    // The first row of a fresh ledger with every text empty (no key, an error before routing).
    RequestEvent e = finished(1, kT0, QString(), QString(), 0, 0, -1, 400);
    e.path.clear();
    e.provider.clear();
    e.upstreamModel.clear();
    e.errorCode.clear();
    record({e});
    withDb([&](QSqlDatabase& db) {
        QSqlQuery q(db);
        ASSERT_TRUE(q.exec(QStringLiteral("SELECT key_id, endpoint, model, provider, upstream_model, error_code,"
                                          " image_size, image_quality FROM requests")) && q.next());
        for (int c = 0; c < 8; ++c) {
            EXPECT_FALSE(q.value(c).isNull()) << "column " << c;
            EXPECT_EQ(q.value(c).toString(), QString()) << "column " << c;
        }
    });
}

TEST_F(LedgerTest, APlainRowStoresItsUnsetColumnsAsZeroAndEmpty) {
    // A first-attempt success with no error, images, cache writes or reasoning: the statement
    // for such rows leaves those columns to the table's defaults.
    RequestEvent e = finished(1, kT0, QStringLiteral("gpt-4o-mini"), QStringLiteral("key1"), 12, 30, 57);
    e.usage.cacheWriteTokens = 0;
    e.usage.reasoningTokens = 0;
    e.usage.estimated = false;
    record({e});
    withDb([&](QSqlDatabase& db) {
        QSqlQuery q(db);
        ASSERT_TRUE(q.exec(QStringLiteral("SELECT status, attempts, error_code, cache_write_tokens, reasoning_tokens,"
                                          " images, image_size, image_quality, usage_estimated, prompt_tokens,"
                                          " completion_tokens, cost_micros FROM requests")) && q.next());
        const QVariantList expected = {200, 1, QString(), 0, 0, 0, QString(), QString(), 0, 12, 30, 57};
        for (int c = 0; c < expected.size(); ++c) {
            EXPECT_FALSE(q.value(c).isNull()) << "column " << c;
            EXPECT_EQ(q.value(c).toString(), expected[c].toString()) << "column " << c;
        }
        EXPECT_FALSE(q.next());
    });
}

TEST_F(LedgerTest, RowsInsertedSeveralPerStatementKeepTheirOwnValues) {
    // 47 rows: statements of 16, 16, 8, 4, 2 and 1 rows; texts of varied lengths, non-ASCII; runs
    // of plain rows (their rare columns at the defaults, written as literals) between the others.
    QList<RequestEvent> events;
    for (int i = 1; i <= 47; ++i) {
        RequestEvent e = finished(quint64(i), kT0.addSecs(i), QStringLiteral("m") + QString(i, QChar(u'é')),
                                  QString::number(i * 7919, 36), i, 2 * i, i % 5 == 0 ? -1 : 3 * i, 200 + i);
        e.imageSize = i % 3 ? QString() : QStringLiteral("%1x%1").arg(i);
        if (i > 20 && i < 40 && i % 3) {  // plain
            e.usage.cacheWriteTokens = 0;
            e.usage.reasoningTokens = 0;
            e.usage.estimated = false;
        }
        events << e;
    }
    record(events);
    const QList<LedgerRow> rows = LedgerQueries(ledgerPath(dir.path())).requests(100);
    ASSERT_EQ(rows.size(), 47);
    for (int i = 0; i < 47; ++i) {
        LedgerRow expected = ledger_row::fromEvent(events[46 - i]);  // newest first
        expected.id = rows[i].id;
        EXPECT_EQ(ledger_row::toJson(rows[i]), ledger_row::toJson(expected)) << "row " << 47 - i;
    }
}

TEST_F(LedgerTest, AJournalLeftByAKilledProcessIsReplayedOnce) {
    RequestEvent e = finished(1, kT0, QStringLiteral("gpt-4o"), QStringLiteral("k"), 5, 5, 63);
    e.errorCode = QStringLiteral("odd\tcode\nwith \\ and é");  // separators inside a field survive
    const JournalEntry entry{"deadbeef", 1, 1, ledger_row::fromEvent(e)};
    // The second line was torn by the kill (no '\n'): its request never finished.
    const QByteArray torn = ledger_journal::line({"deadbeef", 2, 2, entry.row}).chopped(1);
    writeJournal(ledger_journal::line(entry) + torn);
    record({});
    const QList<LedgerRow> rows = LedgerQueries(ledgerPath(dir.path())).requests(10);
    ASSERT_EQ(rows.size(), 1);
    LedgerRow expected = entry.row;
    expected.id = rows[0].id;
    EXPECT_EQ(ledger_row::toJson(rows[0]), ledger_row::toJson(expected));
    EXPECT_EQ(uids(), QStringList{"deadbeef-1"});
    // The same journal line again (say the journal was not yet truncated): no duplicate.
    writeJournal(ledger_journal::line(entry) + "garbage\tline\n");
    record({});
    EXPECT_EQ(LedgerQueries(ledgerPath(dir.path())).requests(10).size(), 1);
}

TEST_F(LedgerTest, EachTransactionMovesTheJournalMarkWhichSurvivesARestart) {
    record({finished(1, kT0, "gpt-4o", "k", 1, 1, 1), finished(2, kT0, "gpt-4o", "k", 1, 1, 1)});
    const QList<JournalEntry> first = ledger_journal::parse(readJournal());
    ASSERT_EQ(first.size(), 2);
    EXPECT_EQ(first[0].seq, 1u);
    EXPECT_EQ(first[1].seq, 2u);
    EXPECT_EQ(mark(), (std::pair<QByteArray, quint64>{first[1].process, 2}));
    // The next process: its own nonce and sequence, and the mark follows its commits.
    record({finished(1, kT0, "gpt-4o", "k", 1, 1, 1)});
    const QList<JournalEntry> second = ledger_journal::parse(readJournal());
    ASSERT_EQ(second.size(), 1);
    EXPECT_NE(second[0].process, first[0].process);
    EXPECT_EQ(mark(), (std::pair<QByteArray, quint64>{second[0].process, 1}));
    // Both processes had a request 1: two rows, told apart by their uids.
    EXPECT_EQ(uids(), (QStringList{first[0].process + "-1", first[0].process + "-2", second[0].process + "-1"}));
}

TEST_F(LedgerTest, AReplayInsertsOnlyTheLinesPastTheMark) {
    // A process committed rows 1..3, then journaled 4..6 and was killed before committing them.
    record({finished(1, kT0, "gpt-4o", "k", 1, 1, 1), finished(2, kT0, "gpt-4o", "k", 2, 1, 1),
            finished(3, kT0, "gpt-4o", "k", 3, 1, 1)});
    const QList<JournalEntry> committed = ledger_journal::parse(readJournal());
    ASSERT_EQ(committed.size(), 3);
    const QByteArray process = committed[0].process;
    ASSERT_EQ(mark(), (std::pair<QByteArray, quint64>{process, 3}));
    QByteArray journal = readJournal();
    for (quint64 n = 4; n <= 6; ++n) {
        // Requests finish out of order: the sequence, not the request id, orders the journal.
        const quint64 requestId = 10 - n;
        journal += ledger_journal::line(
            {process, n, requestId, ledger_row::fromEvent(finished(requestId, kT0, "gpt-4o", "k", qint64(n), 1, 1))});
    }
    writeJournal(journal);
    record({});
    EXPECT_EQ(uids(), (QStringList{process + "-1", process + "-2", process + "-3", process + "-6", process + "-5",
                                   process + "-4"}));
    LedgerQueries q(ledgerPath(dir.path()));
    EXPECT_EQ(q.totals({}, {}).promptTokens, 1 + 2 + 3 + 4 + 5 + 6);
    EXPECT_EQ(mark(), (std::pair<QByteArray, quint64>{process, 6}));
    // Killed again before the journal was emptied: the same lines add nothing.
    writeJournal(journal);
    record({});
    EXPECT_EQ(q.totals({}, {}).requests, 6);
}

TEST_F(LedgerTest, AJournalOfAProcessKilledBeforeItsFirstCommitIsReplayedWhole) {
    record({finished(1, kT0, "gpt-4o", "k", 1, 1, 1)});  // the mark: another process, seq 1
    const QByteArray killed = "zz9killed";
    QByteArray journal;
    for (quint64 n = 1; n <= 3; ++n)
        journal += ledger_journal::line({killed, n, n, ledger_row::fromEvent(finished(n, kT0, "o1", "k", 1, 1, 1))});
    writeJournal(journal);
    record({});
    EXPECT_EQ(LedgerQueries(ledgerPath(dir.path())).totals({}, {}).requests, 4);
    EXPECT_EQ(mark(), (std::pair<QByteArray, quint64>{killed, 3}));
    writeJournal(journal);
    record({});
    EXPECT_EQ(LedgerQueries(ledgerPath(dir.path())).totals({}, {}).requests, 4);
}

TEST_F(LedgerTest, AnOlderBuildsJournalLineIsReplayedOnce) {
    // Version 1 lines: J1, "<nonce>-<request id>", then the 22 columns.
    const QByteArray v1 =
        "J1\toldproc-6\t1777889700000\tk\t/v1/chat/completions\tgpt-4o\topenai\tgpt-4o-2024\t0\t200\t\t1"
        "\t40\t0\t0\t2\t0\t0\t\t\t99\t0\t120\t30\n";
    writeJournal(v1);
    record({});
    const QList<LedgerRow> rows = LedgerQueries(ledgerPath(dir.path())).requests(10);
    ASSERT_EQ(rows.size(), 1);
    EXPECT_EQ(rows[0].time.toMSecsSinceEpoch(), 1777889700000);
    EXPECT_EQ(rows[0].model, "gpt-4o");
    EXPECT_EQ(rows[0].promptTokens, 40);
    EXPECT_EQ(rows[0].completionTokens, 2);
    EXPECT_EQ(rows[0].costMicros, 99);
    EXPECT_EQ(rows[0].ttfbMs, 30);
    EXPECT_EQ(uids(), QStringList{"oldproc-6"});
    writeJournal(v1);  // killed again before the journal was emptied
    record({});
    EXPECT_EQ(uids(), QStringList{"oldproc-6"});
}

// The journal line of request `n` of process `process` (its sequence too), `prompt` tokens.
QByteArray journalLine(const QByteArray& process, quint64 n, qint64 prompt, const QString& model = "gpt-4o") {
    return ledger_journal::line({process, n, n, ledger_row::fromEvent(finished(n, kT0, model, "k", prompt, 1, 1))});
}

// Appends `line` to a mapped journal as record() does.
void append(LedgerJournalFile& journal, const QByteArray& line) {
    ASSERT_TRUE(journal.append(line.constData(), 1, line.constData() + 1, line.size() - 1));
}

// Writes `bytes` into the journal file at `offset`, as a kill in the middle of a copy leaves it.
void patchJournal(const QString& path, qint64 offset, const QByteArray& bytes) {
    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::ReadWrite));
    ASSERT_TRUE(file.seek(offset));
    ASSERT_EQ(file.write(bytes), bytes.size());
}

TEST_F(LedgerTest, TheJournalIsAPreallocatedMappedFileThatEndsAtItsFirstNul) {
    record({finished(1, kT0, "gpt-4o", "k", 1, 1, 1), finished(2, kT0, "gpt-4o", "k", 2, 1, 1)});
    QFile file(journalPath());
    EXPECT_EQ(file.size(), LedgerJournalFile::kInitialBytes);
    const QList<JournalEntry> lines = ledger_journal::parse(readJournal());
    ASSERT_EQ(lines.size(), 2);
    EXPECT_EQ(lines[1].row.promptTokens, 2);
}

TEST_F(LedgerTest, ALineTornByAKillMidCopyIsNeverRead) {
    LedgerJournalFile journal;
    ASSERT_TRUE(journal.open(journalPath()));
    append(journal, journalLine("torn1", 1, 1));
    append(journal, journalLine("torn1", 2, 2));
    const qint64 end = journal.used();
    journal.close();
    // Killed while copying line 3: everything but its first byte, which is stored last, is there.
    patchJournal(journalPath(), end + 1, journalLine("torn1", 3, 3).mid(1));
    record({});
    LedgerQueries q(ledgerPath(dir.path()));
    EXPECT_EQ(q.totals({}, {}).requests, 2);
    EXPECT_EQ(q.totals({}, {}).promptTokens, 1 + 2);
}

TEST_F(LedgerTest, AKillRightAfterACompactionReplaysOnlyTheNewLinesOnce) {
    // A process committed requests 1..4 (the mark: its line 4), then emptied its journal.
    const QByteArray process = "cmp1";
    QByteArray committed;
    for (quint64 n = 1; n <= 4; ++n) committed += journalLine(process, n, qint64(n), "a-much-longer-model-name");
    writeJournal(committed);
    record({});
    ASSERT_EQ(mark(), (std::pair<QByteArray, quint64>{process, 4}));
    ASSERT_EQ(LedgerQueries(ledgerPath(dir.path())).totals({}, {}).requests, 4);

    LedgerJournalFile journal;
    ASSERT_TRUE(journal.open(journalPath()));
    for (quint64 n = 1; n <= 4; ++n) append(journal, journalLine(process, n, qint64(n), "a-much-longer-model-name"));
    journal.reset();
    journal.close();
    // Killed right after the reset: the stale lines behind the new end are not read.
    EXPECT_TRUE(readJournal().isEmpty());

    ASSERT_TRUE(journal.open(journalPath()));
    for (quint64 n = 1; n <= 4; ++n) append(journal, journalLine(process, n, qint64(n), "a-much-longer-model-name"));
    journal.reset();
    // After the reset, lines 5 and 6 (shorter: stale bytes of line 2 follow them) were journaled,
    // and line 7 was being copied when the process was killed.
    append(journal, journalLine(process, 5, 5));
    append(journal, journalLine(process, 6, 6));
    const qint64 end = journal.used();
    journal.close();
    patchJournal(journalPath(), end + 1, journalLine(process, 7, 7).mid(1));
    record({});
    LedgerQueries q(ledgerPath(dir.path()));
    EXPECT_EQ(q.totals({}, {}).requests, 6);
    EXPECT_EQ(q.totals({}, {}).promptTokens, 1 + 2 + 3 + 4 + 5 + 6);
    EXPECT_EQ(uids(), (QStringList{"cmp1-1", "cmp1-2", "cmp1-3", "cmp1-4", "cmp1-5", "cmp1-6"}));
}

TEST_F(LedgerTest, AJournalThatGrewPastItsPreallocationIsReplayedWhole) {
    LedgerJournalFile journal;
    ASSERT_TRUE(journal.open(journalPath()));
    const QByteArray process = "grow1";
    quint64 n = 0;
    while (journal.used() < LedgerJournalFile::kInitialBytes + 4096) append(journal, journalLine(process, ++n, 1));
    journal.close();  // killed: the lines are in the file, which doubled
    EXPECT_EQ(QFile(journalPath()).size(), 2 * LedgerJournalFile::kInitialBytes);
    record({});
    EXPECT_EQ(LedgerQueries(ledgerPath(dir.path())).totals({}, {}).requests, qint64(n));
    EXPECT_EQ(mark(), (std::pair<QByteArray, quint64>{process, n}));
    // The next process starts a fresh, preallocated journal.
    EXPECT_EQ(QFile(journalPath()).size(), LedgerJournalFile::kInitialBytes);
    EXPECT_TRUE(readJournal().isEmpty());
}

TEST_F(LedgerTest, APreviousBuildsAppendedJournalIsReplayedOnceThenReplaced) {
    // The format before the mapped file: lines appended with write(), no padding.
    const QByteArray old = journalLine("prev1", 1, 3) + journalLine("prev1", 2, 4);
    writeJournal(old);
    record({finished(1, kT0, "gpt-4o", "k", 10, 1, 1)});
    LedgerQueries q(ledgerPath(dir.path()));
    EXPECT_EQ(q.totals({}, {}).requests, 3);
    EXPECT_EQ(q.totals({}, {}).promptTokens, 3 + 4 + 10);
    const QList<JournalEntry> now = ledger_journal::parse(readJournal());
    ASSERT_EQ(now.size(), 1);  // only this process's line: the old lines were not carried over
    EXPECT_NE(now[0].process, "prev1");
    EXPECT_EQ(QFile(journalPath()).size(), LedgerJournalFile::kInitialBytes);
    record({});
    EXPECT_EQ(q.totals({}, {}).requests, 3);
}

// The schema version 1 wrote, as it shipped.
const char* const kV1Schema[] = {
    "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
    "INSERT INTO schema_migrations VALUES (1, '2026-05-01T00:00:00Z')",
    "CREATE TABLE requests (id INTEGER PRIMARY KEY AUTOINCREMENT, request_uid TEXT NOT NULL UNIQUE,"
    " ts_ms INTEGER NOT NULL, key_id TEXT NOT NULL DEFAULT '', endpoint TEXT NOT NULL DEFAULT '',"
    " model TEXT NOT NULL DEFAULT '', provider TEXT NOT NULL DEFAULT '', upstream_model TEXT NOT NULL DEFAULT '',"
    " stream INTEGER NOT NULL DEFAULT 0, status INTEGER NOT NULL DEFAULT 0, error_code TEXT NOT NULL DEFAULT '',"
    " attempts INTEGER NOT NULL DEFAULT 0, prompt_tokens INTEGER NOT NULL DEFAULT 0,"
    " cached_tokens INTEGER NOT NULL DEFAULT 0, cache_write_tokens INTEGER NOT NULL DEFAULT 0,"
    " completion_tokens INTEGER NOT NULL DEFAULT 0, reasoning_tokens INTEGER NOT NULL DEFAULT 0,"
    " images INTEGER NOT NULL DEFAULT 0, image_size TEXT NOT NULL DEFAULT '', image_quality TEXT NOT NULL DEFAULT '',"
    " cost_micros INTEGER NOT NULL DEFAULT -1, usage_estimated INTEGER NOT NULL DEFAULT 0,"
    " latency_ms INTEGER NOT NULL DEFAULT -1, ttfb_ms INTEGER NOT NULL DEFAULT -1)",
    "CREATE INDEX requests_ts ON requests(ts_ms)",
    "CREATE INDEX requests_key_ts ON requests(key_id, ts_ms)",
    // Rows of an older process, ids with a gap (AUTOINCREMENT never reuses one).
    "INSERT INTO requests VALUES (1, 'a1-1', 1777889700000, 'key1', '/v1/chat/completions', 'gpt-4o', 'openai',"
    " 'gpt-4o-2024-08-06', 1, 200, '', 1, 100, 50, 3, 20, 5, 0, '', '', 1234, 0, 340, 80)",
    "INSERT INTO requests VALUES (2, 'a1-2', 1777889760000, 'key2', '/v1/images/generations', 'dall-e-3', 'openai',"
    " 'dall-e-3', 0, 200, '', 2, 10, 0, 0, 0, 0, 2, '1024x1792', 'hd', 80000, 1, 9000, -1)",
    "INSERT INTO requests VALUES (7, 'oldproc-6', 1777889820000, '', '/v1/embeddings', 'my,model é', 'mistral',"
    " 'mistral-embed', 0, 502, 'upstream_error', 3, 7, 0, 0, 0, 0, 0, '', '', -1, 0, 15, -1)",
    nullptr,
};

TEST_F(LedgerTest, AVersion1LedgerMigratesKeepingEveryRowAndReplaysItsOldJournalOnce) {
    const QList<QVariantList> before = createOlderLedger(kV1Schema);
    ASSERT_EQ(before.size(), 3);
    // The killed v1 process had committed request 6, not request 7.
    writeJournal(
        "J1\toldproc-6\t1777889820000\t\t/v1/embeddings\tmy,model \xc3\xa9\tmistral\tmistral-embed\t0\t502"
        "\tupstream_error\t3\t7\t0\t0\t0\t0\t0\t\t\t-1\t0\t15\t-1\n"
        "J1\toldproc-7\t1777889880000\tkey1\t/v1/chat/completions\tgpt-4o\topenai\tgpt-4o-2024\t0\t200\t\t1"
        "\t40\t0\t0\t2\t0\t0\t\t\t99\t0\t120\t30\n");
    record({finished(1, kT0, "gpt-4o", "key1", 1, 1, 1)});

    withDb([&](QSqlDatabase& db) {
        QSqlQuery q(db);
        expectRowsKept(q, before);
        ASSERT_TRUE(q.next());
        EXPECT_EQ(q.value(0).toInt(), 8);  // after the others: paging by id still goes newest first
        ASSERT_TRUE(q.next());
        EXPECT_EQ(q.value(0).toInt(), 9);
        EXPECT_FALSE(q.next());
        // No UNIQUE uid index, no AUTOINCREMENT, no index at all left (v4: request_minutes).
        ASSERT_TRUE(q.exec(QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'requests'"
                                          " ORDER BY name")));
        EXPECT_FALSE(q.next());
        ASSERT_TRUE(q.exec(QStringLiteral("SELECT sql FROM sqlite_master WHERE name = 'requests'")) && q.next());
        EXPECT_FALSE(q.value(0).toString().contains(QLatin1String("AUTOINCREMENT")));
        ASSERT_TRUE(q.exec(QStringLiteral("SELECT MAX(version) FROM schema_migrations")) && q.next());
        EXPECT_EQ(q.value(0).toInt(), 5);
    });
    const QStringList all = uids();
    ASSERT_EQ(all.size(), 5);
    EXPECT_EQ(all.mid(0, 4), (QStringList{"a1-1", "a1-2", "oldproc-6", "oldproc-7"}));
    EXPECT_TRUE(all[4].endsWith(QLatin1String("-1"))) << qPrintable(all[4]);
    LedgerQueries q(ledgerPath(dir.path()));
    EXPECT_EQ(q.totals({}, {}).requests, 5);
    EXPECT_EQ(q.totals({}, {}, "key2").costMicros, 80000);
    EXPECT_EQ(q.requests(2, 8).first().model, "my,model é");
}

// The schema version 2 wrote, as it shipped, with rows and a journal mark.
const char* const kV2Schema[] = {
    "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
    "INSERT INTO schema_migrations VALUES (1, '2026-05-01T00:00:00Z'), (2, '2026-06-01T00:00:00Z')",
    "CREATE TABLE requests (id INTEGER PRIMARY KEY, request_uid TEXT NOT NULL, ts_ms INTEGER NOT NULL,"
    " key_id TEXT NOT NULL DEFAULT '', endpoint TEXT NOT NULL DEFAULT '', model TEXT NOT NULL DEFAULT '',"
    " provider TEXT NOT NULL DEFAULT '', upstream_model TEXT NOT NULL DEFAULT '', stream INTEGER NOT NULL DEFAULT 0,"
    " status INTEGER NOT NULL DEFAULT 0, error_code TEXT NOT NULL DEFAULT '', attempts INTEGER NOT NULL DEFAULT 0,"
    " prompt_tokens INTEGER NOT NULL DEFAULT 0, cached_tokens INTEGER NOT NULL DEFAULT 0,"
    " cache_write_tokens INTEGER NOT NULL DEFAULT 0, completion_tokens INTEGER NOT NULL DEFAULT 0,"
    " reasoning_tokens INTEGER NOT NULL DEFAULT 0, images INTEGER NOT NULL DEFAULT 0,"
    " image_size TEXT NOT NULL DEFAULT '', image_quality TEXT NOT NULL DEFAULT '',"
    " cost_micros INTEGER NOT NULL DEFAULT -1, usage_estimated INTEGER NOT NULL DEFAULT 0,"
    " latency_ms INTEGER NOT NULL DEFAULT -1, ttfb_ms INTEGER NOT NULL DEFAULT -1)",
    "CREATE INDEX requests_ts ON requests(ts_ms)",
    "CREATE INDEX requests_key_ts ON requests(key_id, ts_ms)",
    "CREATE TABLE journal_mark (singleton INTEGER PRIMARY KEY CHECK (singleton = 1), process TEXT NOT NULL,"
    " seq INTEGER NOT NULL)",
    "INSERT INTO journal_mark VALUES (1, 'v2proc', 3)",
    "INSERT INTO requests VALUES (1, 'a1-1', 1777889700000, 'key1', '/v1/chat/completions', 'gpt-4o', 'openai',"
    " 'gpt-4o-2024-08-06', 1, 200, '', 1, 100, 50, 3, 20, 5, 0, '', '', 1234, 0, 340, 80)",
    "INSERT INTO requests VALUES (4, 'v2proc-2', 1777889760000, 'key2', '/v1/images/generations', 'dall-e-3',"
    " 'openai', 'dall-e-3', 0, 200, '', 2, 10, 0, 0, 0, 0, 2, '1024x1792', 'hd', 80000, 1, 9000, -1)",
    "INSERT INTO requests VALUES (5, 'v2proc-3', 1777889820000, '', '/v1/embeddings', 'my,model é', 'mistral',"
    " 'mistral-embed', 0, 502, 'upstream_error', 3, 7, 0, 0, 0, 0, 0, '', '', -1, 0, 15, -1)",
    nullptr,
};

TEST_F(LedgerTest, AVersion2LedgerMigratesKeepingEveryRowItsMarkAndASearchForEveryQuery) {
    const QList<QVariantList> before = createOlderLedger(kV2Schema);
    ASSERT_EQ(before.size(), 3);
    // The killed v2 process had committed its lines up to 3 (the mark), not line 4.
    writeJournal(journalLine("v2proc", 3, 7) + journalLine("v2proc", 4, 40));
    record({});

    withDb([&](QSqlDatabase& db) {
        QSqlQuery q(db);
        expectRowsKept(q, before);
        ASSERT_TRUE(q.next());
        EXPECT_EQ(q.value(0).toInt(), 6);
        EXPECT_FALSE(q.next());
        ASSERT_TRUE(q.exec(QStringLiteral("SELECT MAX(version) FROM schema_migrations")) && q.next());
        EXPECT_EQ(q.value(0).toInt(), 5);
        expectEveryQuerySearches(q);
    });
    EXPECT_EQ(uids(), (QStringList{"a1-1", "v2proc-2", "v2proc-3", "v2proc-4"}));
    LedgerQueries q(ledgerPath(dir.path()));
    EXPECT_EQ(q.totals({}, {}).requests, 4);
    EXPECT_EQ(q.totals({}, {}, "key2").costMicros, 80000);
    EXPECT_EQ(q.totals({}, {}).unknownCostRequests, 1);
    EXPECT_EQ(q.requests(1, 6).first().model, "my,model é");
}

// The schema version 3 wrote, as it shipped, with rows and a journal mark. Row 3 finished before
// row 2 (the clock stepped back between them): ids do not always follow time.
const char* const kV3Schema[] = {
    "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
    "INSERT INTO schema_migrations VALUES (1, '2026-05-01T00:00:00Z'), (2, '2026-06-01T00:00:00Z'),"
    " (3, '2026-07-01T00:00:00Z')",
    "CREATE TABLE requests (id INTEGER PRIMARY KEY, request_uid TEXT, ts_ms INTEGER, key_id TEXT DEFAULT '',"
    " endpoint TEXT DEFAULT '', model TEXT DEFAULT '', provider TEXT DEFAULT '', upstream_model TEXT DEFAULT '',"
    " stream INTEGER DEFAULT 0, status INTEGER DEFAULT 0, error_code TEXT DEFAULT '', attempts INTEGER DEFAULT 0,"
    " prompt_tokens INTEGER DEFAULT 0, cached_tokens INTEGER DEFAULT 0, cache_write_tokens INTEGER DEFAULT 0,"
    " completion_tokens INTEGER DEFAULT 0, reasoning_tokens INTEGER DEFAULT 0, images INTEGER DEFAULT 0,"
    " image_size TEXT DEFAULT '', image_quality TEXT DEFAULT '', cost_micros INTEGER DEFAULT -1,"
    " usage_estimated INTEGER DEFAULT 0, latency_ms INTEGER DEFAULT -1, ttfb_ms INTEGER DEFAULT -1)",
    "CREATE INDEX requests_ts_key ON requests(ts_ms, key_id)",
    "CREATE TABLE journal_mark (singleton INTEGER PRIMARY KEY CHECK (singleton = 1), process TEXT NOT NULL,"
    " seq INTEGER NOT NULL)",
    "INSERT INTO journal_mark VALUES (1, 'v3proc', 3)",
    // 10:15:00, 10:17:30 and 10:16:10 (kT0 is 10:15).
    "INSERT INTO requests VALUES (1, 'v3proc-1', 1777889700000, 'key1', '/v1/chat/completions', 'gpt-4o', 'openai',"
    " 'gpt-4o-2024-08-06', 1, 200, '', 1, 100, 50, 3, 20, 5, 0, '', '', 1234, 0, 340, 80)",
    "INSERT INTO requests VALUES (2, 'v3proc-2', 1777889850000, 'key2', '/v1/images/generations', 'dall-e-3',"
    " 'openai', 'dall-e-3', 0, 200, '', 2, 10, 0, 0, 0, 0, 2, '1024x1792', 'hd', 80000, 1, 9000, -1)",
    "INSERT INTO requests VALUES (3, 'v3proc-3', 1777889770000, 'key1', '/v1/embeddings', 'my,model é', 'mistral',"
    " 'mistral-embed', 0, 502, 'upstream_error', 3, 7, 0, 0, 0, 0, 0, '', '', -1, 0, 15, -1)",
    nullptr,
};

TEST_F(LedgerTest, AVersion3LedgerMigratesKeepingEveryRowAndFindsTimeRangesWithoutTheIndex) {
    const QList<QVariantList> before = createOlderLedger(kV3Schema);
    ASSERT_EQ(before.size(), 3);
    ASSERT_EQ(kT0.toMSecsSinceEpoch(), 1777889700000);
    // The killed v3 process had committed its lines up to 3 (the mark), not line 4 (10:18:05).
    writeJournal(ledger_journal::line(
        {"v3proc", 4, 4, ledger_row::fromEvent(finished(4, kT0.addSecs(185), "gpt-4o", "key2", 40, 1, 5))}));
    record({finished(9, kT0.addSecs(200), "gpt-4o", "key1", 2, 1, 7)});  // 10:18:20, this process

    withDb([&](QSqlDatabase& db) {
        QSqlQuery q(db);
        expectRowsKept(q, before);
        ASSERT_TRUE(q.next());
        EXPECT_EQ(q.value(0).toInt(), 4);
        EXPECT_TRUE(q.value(1).isNull()) << "no uid text in new rows";
        EXPECT_EQ(q.value(24).toLongLong(), 4) << "the request id";
        ASSERT_TRUE(q.next());
        EXPECT_EQ(q.value(24).toLongLong(), 9);
        EXPECT_FALSE(q.next());
        ASSERT_TRUE(q.exec(QStringLiteral("SELECT MAX(version) FROM schema_migrations")) && q.next());
        EXPECT_EQ(q.value(0).toInt(), 5);
        ASSERT_TRUE(q.exec(QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'requests'")));
        EXPECT_FALSE(q.next()) << "no index left to maintain";
        // Per minute, the lowest and highest id of its rows: the old rows' from the migration,
        // the new ones' from the writer.
        ASSERT_TRUE(q.exec(QStringLiteral("SELECT minute * 60000, first_id, last_id FROM request_minutes ORDER BY minute")));
        QList<QList<qint64>> minutes;
        while (q.next()) minutes << QList<qint64>{q.value(0).toLongLong(), q.value(1).toLongLong(), q.value(2).toLongLong()};
        const qint64 t0 = kT0.toMSecsSinceEpoch();
        EXPECT_EQ(minutes, (QList<QList<qint64>>{{t0, 1, 1}, {t0 + 60'000, 3, 3}, {t0 + 120'000, 2, 2},
                                                {t0 + 180'000, 4, 5}}));
        expectEveryQuerySearches(q);
    });
    const QStringList all = uids();
    ASSERT_EQ(all.size(), 5);
    EXPECT_EQ(all.mid(0, 4), (QStringList{"v3proc-1", "v3proc-2", "v3proc-3", "v3proc-4"}));
    EXPECT_TRUE(all[4].endsWith(QLatin1String("-9")) && !all[4].startsWith(QLatin1String("v3proc")))
        << qPrintable(all[4]);

    // Time ranges are exact to the ms, whatever the order of the ids.
    LedgerQueries q(ledgerPath(dir.path()));
    auto at = [](int secs) { return kT0.addSecs(secs); };
    EXPECT_EQ(q.totals({}, {}).requests, 5);
    EXPECT_EQ(q.totals(at(70), at(71)).promptTokens, 7);                  // row 3 alone, though ids 2..3 span it
    EXPECT_EQ(q.totals(at(0), at(150)).promptTokens, 100 + 7);           // not row 2 (10:17:30 is the end)
    EXPECT_EQ(q.totals(at(0), at(150).addMSecs(1)).promptTokens, 117);  // now it is
    EXPECT_EQ(q.totals(at(71), at(150)).requests, 0);
    EXPECT_EQ(q.totals(at(60), at(300), QStringLiteral("key1")).promptTokens, 7 + 2);
    EXPECT_EQ(q.totals(at(60), at(300), QStringLiteral("key2")).costMicros, 80000 + 5);
    EXPECT_EQ(q.totals(at(60), at(300)).unknownCostRequests, 1);
    EXPECT_EQ(q.totals(at(1000), {}).requests, 0);
    EXPECT_EQ(q.totals({}, at(-1)).requests, 0);
    const QHash<QString, qint64> spend = q.spendByKeySince(at(65));
    EXPECT_EQ(spend, (QHash<QString, qint64>{{"key1", 7}, {"key2", 80005}}));  // row 3's unknown cost is not $0
    QList<qint64> ids;
    for (const QJsonValue& r : QJsonDocument::fromJson(q.exportJson(at(60), at(186)))["data"].toArray())
        ids << r["id"].toInteger();
    EXPECT_EQ(ids, (QList<qint64>{2, 3, 4}));
    const QList<UsageBucket> hours = q.buckets({}, {}, UsageGranularity::Hour, UsageGroupBy::Key);
    ASSERT_EQ(hours.size(), 2);
    EXPECT_EQ(hours[0].group, "key1");
    EXPECT_EQ(hours[0].requests, 3);
    EXPECT_EQ(hours[1].group, "key2");
    EXPECT_EQ(hours[1].promptTokens, 10 + 40);
}

// The schema version 4 wrote, as it shipped: rows from before v4 (their uid as text) and after
// (an integer request id, the process in request_processes), request_minutes, no index.
const char* const kV4Schema[] = {
    "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
    "INSERT INTO schema_migrations VALUES (1, '2026-05-01T00:00:00Z'), (2, '2026-06-01T00:00:00Z'),"
    " (3, '2026-07-01T00:00:00Z'), (4, '2026-08-01T00:00:00Z')",
    "CREATE TABLE requests (id INTEGER PRIMARY KEY, request_uid TEXT, ts_ms INTEGER, key_id TEXT DEFAULT '',"
    " endpoint TEXT DEFAULT '', model TEXT DEFAULT '', provider TEXT DEFAULT '', upstream_model TEXT DEFAULT '',"
    " stream INTEGER DEFAULT 0, status INTEGER DEFAULT 0, error_code TEXT DEFAULT '', attempts INTEGER DEFAULT 0,"
    " prompt_tokens INTEGER DEFAULT 0, cached_tokens INTEGER DEFAULT 0, cache_write_tokens INTEGER DEFAULT 0,"
    " completion_tokens INTEGER DEFAULT 0, reasoning_tokens INTEGER DEFAULT 0, images INTEGER DEFAULT 0,"
    " image_size TEXT DEFAULT '', image_quality TEXT DEFAULT '', cost_micros INTEGER DEFAULT -1,"
    " usage_estimated INTEGER DEFAULT 0, latency_ms INTEGER DEFAULT -1, ttfb_ms INTEGER DEFAULT -1,"
    " request_id INTEGER)",
    "CREATE TABLE journal_mark (singleton INTEGER PRIMARY KEY CHECK (singleton = 1), process TEXT NOT NULL,"
    " seq INTEGER NOT NULL)",
    "INSERT INTO journal_mark VALUES (1, 'v4proc', 2)",
    "CREATE TABLE request_minutes (minute INTEGER PRIMARY KEY, first_id INTEGER NOT NULL, last_id INTEGER NOT NULL)",
    "CREATE TABLE request_processes (first_id INTEGER PRIMARY KEY, process TEXT NOT NULL)",
    "CREATE VIEW request_uids AS SELECT id, COALESCE(request_uid, (SELECT p.process FROM request_processes p"
    " WHERE p.first_id <= requests.id ORDER BY p.first_id DESC LIMIT 1) || '-' || request_id) AS request_uid"
    " FROM requests",
    // 10:15:00 (a v3 row), 10:16:10 and 10:16:40 (v4 rows of one process; the first shares the
    // v3 row's route, the second has its own).
    "INSERT INTO requests VALUES (1, 'v3proc-1', 1777889700000, 'key1', '/v1/chat/completions', 'gpt-4o', 'openai',"
    " 'gpt-4o-2024', 1, 200, '', 1, 100, 50, 3, 20, 5, 0, '', '', 1234, 0, 340, 80, NULL)",
    "INSERT INTO requests VALUES (2, NULL, 1777889770000, 'key1', '/v1/chat/completions', 'gpt-4o', 'openai',"
    " 'gpt-4o-2024', 1, 502, 'upstream_error', 3, 7, 0, 0, 0, 0, 0, '', '', -1, 1, 15, -1, 1)",
    "INSERT INTO requests VALUES (3, NULL, 1777889800000, 'key2', '/v1/images/generations', 'dall-e-3', 'openai',"
    " 'dall-e-3', 0, 200, '', 2, 10, 0, 0, 0, 0, 2, '1024x1792', 'hd', 80000, 0, 9000, -1, 2)",
    "INSERT INTO request_minutes VALUES (29631495, 1, 1), (29631496, 2, 3)",
    "INSERT INTO request_processes VALUES (2, 'v4proc')",
    nullptr,
};

TEST_F(LedgerTest, AVersion4LedgerMigratesKeepingEveryRowWithEachRouteStoredOnce) {
    const QList<QVariantList> before = createOlderLedger(kV4Schema);
    ASSERT_EQ(before.size(), 3);
    ASSERT_EQ(ledger_schema::minuteOf(kT0.toMSecsSinceEpoch()), 29631495);
    // After the migration: one row on the v3 row's route, one on a new one.
    record({finished(9, kT0.addSecs(200), "gpt-4o", "key1", 2, 1, 7), finished(11, kT0.addSecs(201), "o3", "key1", 4, 1, 9)});
    withDb([&](QSqlDatabase& db) {
        QSqlQuery q(db);
        expectRowsKept(q, before);  // all 25 columns, read through the requests view
        ASSERT_TRUE(q.next());
        EXPECT_EQ(q.value(24).toLongLong(), 9) << "the request id";
        EXPECT_EQ(q.value(5).toString(), "gpt-4o");
        ASSERT_TRUE(q.next());
        EXPECT_EQ(q.value(5).toString(), "o3");
        EXPECT_FALSE(q.next());
        ASSERT_TRUE(q.exec(QStringLiteral("SELECT MAX(version) FROM schema_migrations")) && q.next());
        EXPECT_EQ(q.value(0).toInt(), 5);
        // Each (key, endpoint, model, provider, upstream model, stream) once: rows 1, 2 and 9
        // (stream, as its odd id makes it) share one.
        ASSERT_TRUE(q.exec(QStringLiteral("SELECT model, stream, COUNT(*) FROM request_rows JOIN request_routes"
                                          " ON request_routes.id = route_id GROUP BY route_id ORDER BY route_id")));
        QStringList routes;
        while (q.next()) routes << q.value(0).toString() + "/" + q.value(1).toString() + "x" + q.value(2).toString();
        EXPECT_EQ(routes, (QStringList{"gpt-4o/1x3", "dall-e-3/0x1", "o3/1x1"}));
        expectEveryQuerySearches(q);
    });
    const QStringList all = uids();
    ASSERT_EQ(all.size(), 5);
    EXPECT_EQ(all.mid(0, 3), (QStringList{"v3proc-1", "v4proc-1", "v4proc-2"}));
    LedgerQueries q(ledgerPath(dir.path()));
    EXPECT_EQ(q.totals({}, {}, "key1").promptTokens, 100 + 7 + 2 + 4);
    EXPECT_EQ(q.totals({}, {}).unknownCostRequests, 1);
    const QList<UsageBucket> models = q.top({}, {}, UsageGroupBy::Model, 5);
    ASSERT_EQ(models.size(), 3);
    EXPECT_EQ(models[0].group, "dall-e-3");
    EXPECT_EQ(models[1].group, "gpt-4o");
    EXPECT_EQ(models[1].requests, 3);
}

TEST_F(LedgerTest, RowsOfOneRouteShareOneRouteRowAcrossRestarts) {
    // Odd ids stream, even ones do not: rows 1 and 3 share a route, row 2 has its own.
    record({finished(1, kT0, "gpt-4o", "key1", 1, 1, 1), finished(2, kT0, "gpt-4o", "key1", 2, 1, 1),
            finished(3, kT0, "gpt-4o", "key1", 3, 1, 1)});
    // Another process: its inserter reads the routes back, reuses one and adds one.
    record({finished(5, kT0, "gpt-4o", "key1", 5, 1, 1), finished(6, kT0, "claude-sonnet-4", "key2", 6, 1, 1)});
    withDb([&](QSqlDatabase& db) {
        QSqlQuery q(db);
        ASSERT_TRUE(q.exec(QStringLiteral("SELECT COUNT(*) FROM request_routes")) && q.next());
        EXPECT_EQ(q.value(0).toInt(), 3);
    });
    const QList<LedgerRow> rows = LedgerQueries(ledgerPath(dir.path())).requests(10);
    ASSERT_EQ(rows.size(), 5);
    const QList<int> ids = {6, 5, 3, 2, 1};  // newest first
    for (int n = 0; n < 5; ++n) {
        LedgerRow expected = ledger_row::fromEvent(
            finished(quint64(ids[n]), kT0, ids[n] == 6 ? "claude-sonnet-4" : "gpt-4o", ids[n] == 6 ? "key2" : "key1",
                     ids[n], 1, 1));
        expected.id = rows[n].id;
        EXPECT_EQ(ledger_row::toJson(rows[n]), ledger_row::toJson(expected)) << "request " << ids[n];
    }
}

TEST_F(LedgerTest, AFailedTransactionForgetsTheRoutesItAddedAndIsRetried) {
    Ledger ledger(dir.path());
    ASSERT_TRUE(ledger.open());
    auto committed = [&] {
        QDeadlineTimer deadline(10'000);
        while (ledger.queuedRows() > 0 && !deadline.hasExpired()) QThread::msleep(10);
        return ledger.queuedRows() == 0;
    };
    ledger.record(finished(1, kT0, "gpt-4o", "key1", 1, 1, 1));
    ASSERT_TRUE(committed());
    // The database refuses the next row after its new route is added in the same transaction.
    withDb([&](QSqlDatabase& db) {
        ASSERT_TRUE(QSqlQuery(db).exec(QStringLiteral("CREATE TRIGGER refuse BEFORE INSERT ON request_rows"
                                                      " WHEN NEW.prompt_tokens = 666 BEGIN SELECT RAISE(ABORT, 'refused'); END")));
    });
    ledger.record(finished(2, kT0, "o3", "key1", 666, 1, 1));
    QThread::msleep(3 * Ledger::kFlushIntervalMs);  // the writer tries, and keeps the row
    EXPECT_EQ(ledger.queuedRows(), 1);
    withDb([&](QSqlDatabase& db) { ASSERT_TRUE(QSqlQuery(db).exec(QStringLiteral("DROP TRIGGER refuse"))); });
    // A row with another new route, queued behind it: had the rolled-back route's id been kept,
    // this route would take that id and row 2 would read as this one.
    ledger.record(finished(4, kT0, "o4-mini", "key1", 4, 1, 1));
    ASSERT_TRUE(committed());
    const QList<LedgerRow> rows = LedgerQueries(ledgerPath(dir.path())).requests(10);
    QStringList models;
    for (const LedgerRow& r : rows) models << r.model + "/" + QString::number(r.promptTokens);
    EXPECT_EQ(models, (QStringList{"o4-mini/4", "o3/666", "gpt-4o/1"}));
}

TEST_F(LedgerTest, QueriesBeforeTheLedgerExistsAreEmptyAndCreateNothing) {
    LedgerQueries q(ledgerPath(dir.path()));
    EXPECT_EQ(q.totals({}, {}).requests, 0);
    EXPECT_TRUE(q.requests(10).isEmpty());
    EXPECT_TRUE(q.buckets({}, {}, UsageGranularity::Day, UsageGroupBy::Model).isEmpty());
    EXPECT_FALSE(QFile::exists(ledgerPath(dir.path()))) << "a query must not create the database";
    record({finished(1, kT0, QStringLiteral("gpt-4o"), QStringLiteral("k"), 1, 1, 1)});
    EXPECT_EQ(q.totals({}, {}).requests, 1);  // and it reads the ledger once there is one
}

TEST_F(LedgerTest, WithTheWriterHeldUpRecordingInsertsPastTheBacklogBoundInJournalOrder) {
    constexpr int kRows = 2000;
    constexpr int kBound = 300;
    QStringList expected;
    {
        StalledLedger stalled(dir.path(), kBound);
        ASSERT_TRUE(stalled.stalled());
        Ledger& ledger = stalled.ledger;
        for (int i = 1; i <= kRows; ++i)
            ledger.record(finished(quint64(i), kT0, QStringLiteral("gpt-4o"), QStringLiteral("k"), 1, 1, 1));
        // This thread inserted everything but at most the bound, oldest first, and the journal
        // mark covers exactly what it committed.
        const QStringList committed = uids();
        EXPECT_GE(committed.size(), kRows - kBound);
        EXPECT_LT(committed.size(), kRows);
        const QByteArray process = ledger_journal::parse(readJournal()).first().process;
        for (int i = 1; i <= kRows; ++i) expected << process + "-" + QByteArray::number(i);
        EXPECT_EQ(committed, expected.first(committed.size()));
        EXPECT_EQ(mark(), (std::pair<QByteArray, quint64>{process, quint64(committed.size())}));
        stalled.release();
    }  // the writer commits the rest
    EXPECT_EQ(uids(), expected);
}

TEST_F(LedgerTest, WhileRowsKeepWaitingTheJournalStartsOverByTakingTurnsBetweenTwoFiles) {
    // The writer never runs (an idle-priority thread under load that never pauses): recording
    // threads insert past the backlog bound, and the journal must still start over. With one
    // file it could only do so once nothing waited: it held every line recorded.
    constexpr int kRows = 40'000;  // about 8 MB of lines
    constexpr int kBound = 2000;
    QStringList expected;
    {
        StalledLedger stalled(dir.path(), kBound);
        ASSERT_TRUE(stalled.stalled());
        Ledger& ledger = stalled.ledger;
        qint64 largest = 0;
        bool bothUsed = false;
        for (int i = 1; i <= kRows; ++i) {
            ledger.record(finished(quint64(i), kT0, QStringLiteral("gpt-4o"), QStringLiteral("k"), 1, 1, 1));
            if (i % 1000 == 0) {
                const qint64 first = LedgerJournalFile::readLines(journalPath(0)).size();
                const qint64 second = LedgerJournalFile::readLines(journalPath(1)).size();
                largest = qMax(largest, qMax(first, second));
                bothUsed = bothUsed || (first > 0 && second > 0);
            }
        }
        EXPECT_TRUE(bothUsed);
        // A file holds at most the compaction size, then the lines recorded while the other one's
        // last rows waited (at most the bound, ~200 bytes each).
        EXPECT_LT(largest, Ledger::kJournalCompactBytes + kBound * 400) << "bytes in one file";
        const QByteArray process = ledger_journal::parse(readJournal()).value(0).process;
        for (int i = 1; i <= kRows; ++i) expected << QString::fromLatin1(process) + "-" + QString::number(i);
        stalled.release();
    }
    EXPECT_EQ(uids(), expected);
}

TEST_F(LedgerTest, AWriterThatGetsNoTimeIsCaughtUpByTheBatchThreadBeforeTheBacklogBound) {
    // The idle-priority writer under load that leaves the core no idle time: the catch-up thread
    // inserts everything once kCatchUpRows wait, and recording threads never have to.
    Ledger ledger(dir.path());
    ASSERT_TRUE(ledger.open());
    HeldThread writer(ledger.writerContext());
    ASSERT_TRUE(writer.held);
    constexpr int kRows = Ledger::kCatchUpRows + 100;
    for (int i = 1; i <= kRows; ++i)
        ledger.record(finished(quint64(i), kT0, QStringLiteral("gpt-4o"), QStringLiteral("k"), 1, 1, 1));
    QDeadlineTimer deadline(20'000);
    while (uids().size() < kRows && !deadline.hasExpired()) QThread::msleep(20);
    EXPECT_GE(uids().size(), kRows) << "inserted with the writer still held";
    EXPECT_LT(ledger.queuedRows(), Ledger::kMaxBacklogRows);
}

TEST_F(LedgerTest, AKillThatLeavesLinesInBothJournalFilesReplaysThemInSequenceOrder) {
    // The killed process had moved on to the first file again: its older lines are in the second.
    auto lines = [](quint64 from, quint64 to) {
        QByteArray out;
        for (quint64 seq = from; seq <= to; ++seq)
            out += ledger_journal::line({"p2", seq, seq, ledger_row::fromEvent(finished(seq, kT0, "gpt-4o", "k", 1, 1, 1))});
        return out;
    };
    writeJournal(lines(4, 5), 0);
    writeJournal(lines(1, 3), 1);
    record({});
    EXPECT_EQ(uids(), (QStringList{"p2-1", "p2-2", "p2-3", "p2-4", "p2-5"}));
    EXPECT_TRUE(readJournal().isEmpty());
    EXPECT_TRUE(LedgerJournalFile::readLines(journalPath(1)).isEmpty());
    record({});  // nothing is replayed twice
    EXPECT_EQ(uids().size(), 5);
}

TEST_F(LedgerTest, UnderLoadThatNeverPausesTheCatchUpThreadKeepsTheWalBounded) {
    // The idle writer never runs, so no quiet second ever comes: the catch-up thread copies the
    // WAL into the database once it passes kMaxWalPages. Without that it would hold every row.
    constexpr int kRows = 600'000;  // over 60 MB of WAL frames uncopied
    Ledger ledger(dir.path());
    ASSERT_TRUE(ledger.open());
    HeldThread writer(ledger.writerContext());
    ASSERT_TRUE(writer.held);
    const QString wal = ledgerPath(dir.path()) + QStringLiteral("-wal");
    qint64 largest = 0;
    for (int i = 1; i <= kRows; ++i) {
        ledger.record(finished(quint64(i), kT0, QStringLiteral("gpt-4o"), QStringLiteral("k"), 1, 1, 1));
        if (i % 10'000 == 0) largest = qMax(largest, QFileInfo(wal).size());
    }
    QDeadlineTimer deadline(60'000);
    while (ledger.queuedRows() > Ledger::kCatchUpRows && !deadline.hasExpired()) QThread::msleep(10);
    largest = qMax(largest, QFileInfo(wal).size());
    EXPECT_LT(largest, 2 * qint64(Ledger::kMaxWalPages) * 4096) << "bytes of WAL";
}

TEST_F(LedgerTest, TheWalIsCopiedIntoTheDatabaseOnceTheGatewayIsQuiet) {
    // Automatic checkpoints are off (their fsync stalled requests); the writer runs one after a
    // quiet second instead. Without it the WAL would only ever grow.
    Ledger ledger(dir.path());
    ASSERT_TRUE(ledger.open());
    const QString db = ledgerPath(dir.path());
    const qint64 before = QFileInfo(db).size();
    // About 40 bytes a row: over 1000 pages of rows (4.8 MB), more WAL frames; SQLite would have
    // checkpointed at 1000.
    constexpr int kRows = 120'000;
    for (int i = 1; i <= kRows; ++i)
        ledger.record(finished(quint64(i), kT0, QStringLiteral("gpt-4o"), QStringLiteral("k"), 1, 1, 1));
    QDeadlineTimer deadline(20'000);
    while (ledger.queuedRows() > 0 && !deadline.hasExpired()) QThread::msleep(10);
    ASSERT_EQ(ledger.queuedRows(), 0);
    constexpr qint64 kGrowth = 4 * 1024 * 1024;
    while (QFileInfo(db).size() < before + kGrowth && !deadline.hasExpired()) QThread::msleep(50);
    EXPECT_GE(QFileInfo(db).size(), before + kGrowth) << "the rows reached the database file";
    EXPECT_EQ(LedgerQueries(db).totals({}, {}).requests, kRows);
}

TEST_F(LedgerTest, ManyRowsAreWrittenInBatches) {
    QList<RequestEvent> events;
    for (int i = 1; i <= 1000; ++i)
        events.append(finished(quint64(i), kT0.addSecs(i), QStringLiteral("gpt-4o"), QStringLiteral("k"), 1, 1, 1));
    record(events);
    LedgerQueries q(ledgerPath(dir.path()));
    EXPECT_EQ(q.totals({}, {}).requests, 1000);
    // Paging backwards from the newest.
    const QList<LedgerRow> page1 = q.requests(300);
    ASSERT_EQ(page1.size(), 300);
    const QList<LedgerRow> page2 = q.requests(300, page1.last().id);
    ASSERT_EQ(page2.size(), 300);
    EXPECT_EQ(page2.first().id, page1.last().id - 1);
}

TEST_F(LedgerTest, AggregatesByHourAndDayPerGroupWithUnknownCostsApart) {
    record({finished(1, kT0, "gpt-4o", "a", 100, 10, 1000),
            finished(2, kT0.addSecs(60), "gpt-4o", "b", 200, 20, 2000),
            finished(3, kT0.addSecs(3600), "claude-sonnet-4-5", "a", 300, 30, -1),  // unknown price
            finished(4, kT0.addSecs(3700), "claude-sonnet-4-5", "a", 0, 0, 0, 502),
            finished(5, kT0.addDays(1), "gpt-4o", "a", 1, 1, 5)});
    LedgerQueries q(ledgerPath(dir.path()));
    const QDateTime from = kT0.addDays(-1), to = kT0.addDays(2);

    const QList<UsageBucket> hourly = q.buckets(from, to, UsageGranularity::Hour, UsageGroupBy::Model);
    ASSERT_EQ(hourly.size(), 3);
    EXPECT_EQ(hourly[0].start, QDateTime(QDate(2026, 5, 4), QTime(10, 0), Qt::UTC));
    EXPECT_EQ(hourly[0].group, "gpt-4o");
    EXPECT_EQ(hourly[0].requests, 2);
    EXPECT_EQ(hourly[0].promptTokens, 300);
    EXPECT_EQ(hourly[0].cachedTokens, 150);
    EXPECT_EQ(hourly[0].costMicros, 3000);
    EXPECT_EQ(hourly[1].group, "claude-sonnet-4-5");
    EXPECT_EQ(hourly[1].requests, 2);
    EXPECT_EQ(hourly[1].errors, 1);
    EXPECT_EQ(hourly[1].costMicros, 0);
    EXPECT_EQ(hourly[1].unknownCostRequests, 1);  // never counted as $0 silently

    const QList<UsageBucket> daily = q.buckets(from, to, UsageGranularity::Day, UsageGroupBy::Key);
    ASSERT_EQ(daily.size(), 3);  // day 1: a, b; day 2: a
    EXPECT_EQ(daily[0].start, QDateTime(QDate(2026, 5, 4), QTime(0, 0), Qt::UTC));
    EXPECT_EQ(daily[0].group, "a");
    EXPECT_EQ(daily[0].requests, 3);

    const UsageBucket totals = q.totals(from, to);
    EXPECT_EQ(totals.requests, 5);
    EXPECT_EQ(totals.costMicros, 3005);
    EXPECT_EQ(totals.unknownCostRequests, 1);
    EXPECT_EQ(q.totals(from, to, "b").requests, 1);
    EXPECT_EQ(q.totals(kT0.addDays(1), to).requests, 1);  // `to` exclusive, `from` inclusive

    const QList<UsageBucket> top = q.top(from, to, UsageGroupBy::Key, 1);
    ASSERT_EQ(top.size(), 1);
    EXPECT_EQ(top[0].group, "b");  // 2000 µ$ beats a's 1005
    EXPECT_EQ(top[0].costMicros, 2000);
}

TEST_F(LedgerTest, ExportsCsvAndJsonWithUnknownCostsLeftBlank) {
    record({finished(1, kT0, "gpt-4o", "a", 100, 10, 1234), finished(2, kT0, "my,model", "a", 1, 1, -1)});
    LedgerQueries q(ledgerPath(dir.path()));
    const QList<QByteArray> lines = q.exportCsv({}, {}).split('\n');
    ASSERT_GE(lines.size(), 3);
    EXPECT_TRUE(lines[0].startsWith("id,time,key_id,endpoint,model"));
    EXPECT_TRUE(lines[1].contains(",0.001234,")) << lines[1].constData();
    EXPECT_TRUE(lines[2].contains("\"my,model\"")) << lines[2].constData();
    EXPECT_TRUE(lines[2].contains(",,false,")) << lines[2].constData();  // unknown cost: blank

    const QJsonArray data = QJsonDocument::fromJson(q.exportJson({}, {})).object()["data"].toArray();
    ASSERT_EQ(data.size(), 2);
    EXPECT_EQ(data[0]["cost_usd"].toDouble(), 0.001234);
    EXPECT_TRUE(data[1]["cost_usd"].isNull());
    EXPECT_EQ(data[1]["cost_micros"].toInteger(), -1);
}

}  // namespace
}  // namespace ar
