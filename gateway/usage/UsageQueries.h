#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace ar {

enum class UsageGranularity { Hour, Day };
enum class UsageGroupBy { None, Model, Provider, Key };

// One time bucket of one group (a model, provider or key), or a total when grouped by None.
struct UsageBucket {
    QDateTime start;  // UTC, start of the hour or day
    QString group;    // model / provider / key id; empty for None
    qint64 requests = 0;
    qint64 errors = 0;
    qint64 promptTokens = 0;
    qint64 cachedTokens = 0;
    qint64 cacheWriteTokens = 0;
    qint64 completionTokens = 0;
    qint64 reasoningTokens = 0;
    qint64 costMicros = 0;       // sum of known costs, in micro-dollars
    qint64 unknownCostRequests = 0;  // requests whose price is unknown (never counted as $0)

    void addCounts(const UsageBucket& b) {  // every counter; start and group stay
        requests += b.requests;
        errors += b.errors;
        promptTokens += b.promptTokens;
        cachedTokens += b.cachedTokens;
        cacheWriteTokens += b.cacheWriteTokens;
        completionTokens += b.completionTokens;
        reasoningTokens += b.reasoningTokens;
        costMicros += b.costMicros;
        unknownCostRequests += b.unknownCostRequests;
    }
};

// One row of the request log, as the ledger stored it.
struct LedgerRow {
    qint64 id = 0;
    QDateTime time;
    QString keyId;
    QString endpoint;
    QString model;
    QString provider;
    QString upstreamModel;
    bool stream = false;
    int status = 0;
    QString errorCode;
    int attempts = 0;
    qint64 promptTokens = 0, cachedTokens = 0, cacheWriteTokens = 0, completionTokens = 0,
           reasoningTokens = 0;
    int images = 0;
    QString imageSize, imageQuality;
    qint64 costMicros = -1;  // -1: unknown price
    bool usageEstimated = false;
    qint64 latencyMs = -1, ttfbMs = -1;
};

// Read side of the usage ledger: one service used by the GUI (charts, tables, budgets) and the
// admin API (tare usage). Implementations are thread-safe; calls may touch the database, so
// the GUI calls them off its thread or on small ranges.
class UsageQueries {
public:
    virtual ~UsageQueries() = default;

    virtual QList<UsageBucket> buckets(const QDateTime& from, const QDateTime& to,
                                       UsageGranularity granularity, UsageGroupBy groupBy) = 0;
    virtual UsageBucket totals(const QDateTime& from, const QDateTime& to,
                               const QString& keyId = {}) = 0;
    // Top `n` groups by cost (then tokens) in the range.
    virtual QList<UsageBucket> top(const QDateTime& from, const QDateTime& to, UsageGroupBy groupBy,
                                   int n) = 0;
    // Newest first; `beforeId` pages backwards (0: from the newest).
    virtual QList<LedgerRow> requests(int limit, qint64 beforeId = 0) = 0;
    // Export of rows in the range.
    virtual QByteArray exportCsv(const QDateTime& from, const QDateTime& to) = 0;
    virtual QByteArray exportJson(const QDateTime& from, const QDateTime& to) = 0;
};

}  // namespace ar
