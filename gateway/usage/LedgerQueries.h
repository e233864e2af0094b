#pragma once

#include <QHash>

#include "usage/UsageQueries.h"

class QSqlDatabase;

namespace ar {

// UsageQueries over the ledger database. Each call opens its own short-lived connection on
// the calling thread (SQLite connections are per thread; WAL lets readers run beside the
// writer), so any thread may call it.
class LedgerQueries final : public UsageQueries {
public:
    explicit LedgerQueries(QString databasePath);

    QList<UsageBucket> buckets(const QDateTime& from, const QDateTime& to,
                               UsageGranularity granularity, UsageGroupBy groupBy) override;
    UsageBucket totals(const QDateTime& from, const QDateTime& to, const QString& keyId = {}) override;
    QList<UsageBucket> top(const QDateTime& from, const QDateTime& to, UsageGroupBy groupBy,
                           int n) override;
    QList<LedgerRow> requests(int limit, qint64 beforeId = 0) override;
    QByteArray exportCsv(const QDateTime& from, const QDateTime& to) override;
    QByteArray exportJson(const QDateTime& from, const QDateTime& to) override;

    // Known cost per key id of requests finished at or after `from` (seeds budgets at start).
    QHash<QString, qint64> spendByKeySince(const QDateTime& from);

private:
    QList<UsageBucket> aggregate(const QDateTime& from, const QDateTime& to, qint64 bucketMs,
                                 UsageGroupBy groupBy, const QString& keyId, int topN);
    QList<LedgerRow> rowsInRange(const QDateTime& from, const QDateTime& to);

    QString m_path;
};

}  // namespace ar
