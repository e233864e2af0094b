#include "usage/LedgerQueries.h"

#include <QAtomicInteger>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <functional>

#include "usage/LedgerRowCodec.h"
#include "usage/LedgerSchema.h"

namespace ar {

namespace {

constexpr qint64 kHourMs = 3'600'000;
constexpr qint64 kDayMs = 24 * kHourMs;

// Runs `work` on a connection private to this call and this thread.
template <typename Fn>
void withConnection(const QString& path, Fn&& work) {
    // No ledger yet (the window asks before the gateway first started): nothing to read, and
    // opening it here would create an empty file without the schema.
    if (!QFile::exists(path)) return;
    static QAtomicInteger<quint64> counter;
    const QString name = QStringLiteral("ar-ledger-read-%1").arg(counter.fetchAndAddRelaxed(1));
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        // Not QSQLITE_OPEN_READONLY: a read-only connection cannot open a WAL database whose
        // -shm file is gone (the last writer closed). Queries here only SELECT.
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
        if (db.open()) work(db);
        else qWarning("Usage ledger: cannot read %s: %s", qPrintable(path), qPrintable(db.lastError().text()));
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
}

QString groupColumn(UsageGroupBy g) {
    switch (g) {
        case UsageGroupBy::Model: return QStringLiteral("model");
        case UsageGroupBy::Provider: return QStringLiteral("provider");
        case UsageGroupBy::Key: return QStringLiteral("key_id");
        case UsageGroupBy::None: break;
    }
    return QStringLiteral("''");
}

qint64 ms(const QDateTime& t, qint64 fallback) { return t.isValid() ? t.toMSecsSinceEpoch() : fallback; }

// The values of ledger_schema::inTimeRange() for [from, to); invalid ends leave the range open.
void bindTimeRange(QSqlQuery& q, const QDateTime& from, const QDateTime& to) {
    for (qint64 v : ledger_schema::inTimeRangeValues(ms(from, 0), ms(to, std::numeric_limits<qint64>::max())))
        q.addBindValue(v);
}

}  // namespace

LedgerQueries::LedgerQueries(QString databasePath) : m_path(std::move(databasePath)) {}

QList<UsageBucket> LedgerQueries::aggregate(const QDateTime& from, const QDateTime& to,
                                            qint64 bucketMs, UsageGroupBy groupBy,
                                            const QString& keyId, int topN) {
    const qint64 fromMs = ms(from, 0);
    // bucketMs 0: one bucket for the whole range, starting at `from`.
    const QString bucket = bucketMs > 0 ? QStringLiteral("(ts_ms / %1) * %1").arg(bucketMs)
                                        : QString::number(fromMs);
    QString sql = QStringLiteral(
        "SELECT %1 AS b, %2 AS g, COUNT(*), SUM(status >= 400), SUM(prompt_tokens),"
        " SUM(cached_tokens), SUM(cache_write_tokens), SUM(completion_tokens), SUM(reasoning_tokens),"
        " SUM(CASE WHEN cost_micros >= 0 THEN cost_micros ELSE 0 END), SUM(cost_micros < 0)"
        " FROM requests WHERE %3")
                      .arg(bucket, groupColumn(groupBy), QLatin1String(ledger_schema::inTimeRange()));
    if (!keyId.isEmpty()) sql += QStringLiteral(" AND key_id = ?");
    sql += QStringLiteral(" GROUP BY b, g");
    if (topN > 0)
        sql += QStringLiteral(" ORDER BY 10 DESC, SUM(prompt_tokens + completion_tokens) DESC, g LIMIT %1").arg(topN);
    else
        sql += QStringLiteral(" ORDER BY b, g");
    QList<UsageBucket> out;
    withConnection(m_path, [&](QSqlDatabase& db) {
        QSqlQuery q(db);
        q.prepare(sql);
        bindTimeRange(q, from, to);
        if (!keyId.isEmpty()) q.addBindValue(keyId);
        if (!q.exec()) {
            qWarning("Usage ledger: %s", qPrintable(q.lastError().text()));
            return;
        }
        while (q.next()) {
            UsageBucket b;
            b.start = QDateTime::fromMSecsSinceEpoch(q.value(0).toLongLong(), Qt::UTC);
            b.group = q.value(1).toString();
            b.requests = q.value(2).toLongLong();
            b.errors = q.value(3).toLongLong();
            b.promptTokens = q.value(4).toLongLong();
            b.cachedTokens = q.value(5).toLongLong();
            b.cacheWriteTokens = q.value(6).toLongLong();
            b.completionTokens = q.value(7).toLongLong();
            b.reasoningTokens = q.value(8).toLongLong();
            b.costMicros = q.value(9).toLongLong();
            b.unknownCostRequests = q.value(10).toLongLong();
            out.append(b);
        }
    });
    return out;
}

QList<UsageBucket> LedgerQueries::buckets(const QDateTime& from, const QDateTime& to,
                                          UsageGranularity granularity, UsageGroupBy groupBy) {
    return aggregate(from, to, granularity == UsageGranularity::Hour ? kHourMs : kDayMs, groupBy, {}, 0);
}

UsageBucket LedgerQueries::totals(const QDateTime& from, const QDateTime& to, const QString& keyId) {
    const QList<UsageBucket> all = aggregate(from, to, 0, UsageGroupBy::None, keyId, 0);
    if (!all.isEmpty()) return all.first();
    UsageBucket empty;
    empty.start = from.isValid() ? from.toUTC() : QDateTime::fromMSecsSinceEpoch(0, Qt::UTC);
    return empty;
}

QList<UsageBucket> LedgerQueries::top(const QDateTime& from, const QDateTime& to,
                                      UsageGroupBy groupBy, int n) {
    return aggregate(from, to, 0, groupBy, {}, qMax(1, n));
}

QList<LedgerRow> LedgerQueries::requests(int limit, qint64 beforeId) {
    QList<LedgerRow> out;
    withConnection(m_path, [&](QSqlDatabase& db) {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("SELECT id, %1 FROM requests WHERE (? = 0 OR id < ?) ORDER BY id DESC LIMIT ?")
                      .arg(QLatin1String(ledger_schema::columnList())));
        q.addBindValue(beforeId);
        q.addBindValue(beforeId);
        q.addBindValue(qMax(0, limit));
        if (!q.exec()) {
            qWarning("Usage ledger: %s", qPrintable(q.lastError().text()));
            return;
        }
        while (q.next()) out.append(ledger_row::read(q));
    });
    return out;
}

QList<LedgerRow> LedgerQueries::rowsInRange(const QDateTime& from, const QDateTime& to) {
    QList<LedgerRow> out;
    withConnection(m_path, [&](QSqlDatabase& db) {
        QSqlQuery q(db);
        q.setForwardOnly(true);
        q.prepare(QStringLiteral("SELECT id, %1 FROM requests WHERE %2 ORDER BY id")
                      .arg(QLatin1String(ledger_schema::columnList()), QLatin1String(ledger_schema::inTimeRange())));
        bindTimeRange(q, from, to);
        if (!q.exec()) return;
        while (q.next()) out.append(ledger_row::read(q));
    });
    return out;
}

QByteArray LedgerQueries::exportCsv(const QDateTime& from, const QDateTime& to) {
    QByteArray out = ledger_row::csvHeader();
    for (const LedgerRow& r : rowsInRange(from, to)) out += ledger_row::csvLine(r);
    return out;
}

QByteArray LedgerQueries::exportJson(const QDateTime& from, const QDateTime& to) {
    QJsonArray rows;
    for (const LedgerRow& r : rowsInRange(from, to)) rows.append(ledger_row::toJson(r));
    return QJsonDocument(QJsonObject{{QStringLiteral("object"), QStringLiteral("list")},
                                     {QStringLiteral("data"), rows}})
        .toJson(QJsonDocument::Indented);
}

QHash<QString, qint64> LedgerQueries::spendByKeySince(const QDateTime& from) {
    QHash<QString, qint64> out;
    withConnection(m_path, [&](QSqlDatabase& db) {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("SELECT key_id, SUM(cost_micros) FROM requests WHERE %1 AND cost_micros > 0"
                                 " GROUP BY key_id")
                      .arg(QLatin1String(ledger_schema::inTimeRange())));
        bindTimeRange(q, from, {});
        if (!q.exec()) return;
        while (q.next()) out.insert(q.value(0).toString(), q.value(1).toLongLong());
    });
    return out;
}

}  // namespace ar
