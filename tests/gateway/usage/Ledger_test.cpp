// The ledger on a temp folder: schema, batched writes, journal replay, and the queries.
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <gtest/gtest.h>

#include "usage/Ledger.h"
#include "usage/LedgerQueries.h"
#include "usage/LedgerRowCodec.h"

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

class LedgerTest : public ::testing::Test {
protected:
    void record(const QList<RequestEvent>& events) {
        Ledger ledger(dir.path());
        ASSERT_TRUE(ledger.open());
        for (const RequestEvent& e : events) ledger.record(e);
    }  // destruction commits what is queued

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
        ASSERT_TRUE(q.exec(QStringLiteral("SELECT version FROM schema_migrations")) && q.next());
        EXPECT_EQ(q.value(0).toInt(), 1);
    }
    db.close();
    db = QSqlDatabase();
    QSqlDatabase::removeDatabase(QStringLiteral("schema-check"));
    record({});  // reopening does not re-run migrations
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

TEST_F(LedgerTest, AJournalLeftByAKilledProcessIsReplayedOnce) {
    RequestEvent e = finished(1, kT0, QStringLiteral("gpt-4o"), QStringLiteral("k"), 5, 5, 63);
    e.errorCode = QStringLiteral("odd\tcode\nwith \\ and é");  // separators inside a field survive
    const LedgerRow row = ledger_row::fromEvent(e);
    const QByteArray line = ledger_row::journalLine(QStringLiteral("deadbeef-1"), row);
    // The second line was torn by the kill (no '\n'): its request never finished.
    const QByteArray torn = ledger_row::journalLine(QStringLiteral("deadbeef-2"), row).chopped(1);
    QFile journal(dir.path() + QStringLiteral("/ledger.journal"));
    ASSERT_TRUE(journal.open(QIODevice::WriteOnly));
    journal.write(line + torn);
    journal.close();
    record({});
    const QList<LedgerRow> rows = LedgerQueries(ledgerPath(dir.path())).requests(10);
    ASSERT_EQ(rows.size(), 1);
    LedgerRow expected = row;
    expected.id = rows[0].id;
    EXPECT_EQ(ledger_row::toJson(rows[0]), ledger_row::toJson(expected));
    // The same journal line again (say the journal was not yet truncated): no duplicate.
    ASSERT_TRUE(journal.open(QIODevice::WriteOnly));
    journal.write(line + "garbage\tline\n");
    journal.close();
    record({});
    EXPECT_EQ(LedgerQueries(ledgerPath(dir.path())).requests(10).size(), 1);
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
