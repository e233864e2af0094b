#include "admin/UsageEndpoint.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUrlQuery>

#include "usage/LedgerRowCodec.h"

namespace ar {

namespace {

constexpr int kMaxRequestsPage = 1000;

QJsonObject listOf(const QJsonArray& data) {
    return QJsonObject{{QStringLiteral("object"), QStringLiteral("list")}, {QStringLiteral("data"), data}};
}

UsageAnswer json(const QJsonObject& o) {
    return {"application/json", QJsonDocument(o).toJson(QJsonDocument::Compact)};
}

ApiError badParam(const QString& param, const QString& why) {
    return ApiError::badRequest(QStringLiteral("'%1' %2").arg(param, why), param);
}

// ISO 8601, or a duration back from now: "90s", "30m", "24h", "7d".
Result<QDateTime> parseTime(const QUrlQuery& q, const QString& param, const QDateTime& now,
                            const QDateTime& fallback) {
    if (!q.hasQueryItem(param)) return fallback;
    const QString text = q.queryItemValue(param, QUrl::FullyDecoded).trimmed();
    static const QHash<QChar, qint64> kUnitSecs{{u's', 1}, {u'm', 60}, {u'h', 3600}, {u'd', 86400}};
    if (text.size() >= 2 && kUnitSecs.contains(text.back())) {
        bool ok = false;
        const qint64 n = text.chopped(1).toLongLong(&ok);
        if (ok && n >= 0 && n <= 36500) return now.addSecs(-n * kUnitSecs.value(text.back()));
    }
    QDateTime t = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!t.isValid()) t = QDateTime::fromString(text, Qt::ISODate);
    if (!t.isValid())
        return badParam(param, QStringLiteral("must be an ISO 8601 time (2026-11-01T00:00:00Z) or a "
                                              "duration back from now (30m, 24h, 7d); got '%1'.").arg(text));
    return t.toUTC();
}

struct Range {
    QDateTime from, to;
};

Result<Range> parseRange(const QUrlQuery& q, const QDateTime& now, qint64 defaultSpanSecs) {
    auto to = parseTime(q, QStringLiteral("to"), now, now);
    if (!to) return to.error();
    auto from = parseTime(q, QStringLiteral("from"), now, to->addSecs(-defaultSpanSecs));
    if (!from) return from.error();
    if (*from > *to) return badParam(QStringLiteral("from"), QStringLiteral("must not be after 'to'."));
    return Range{*from, *to};
}

Result<UsageGroupBy> parseGroup(const QUrlQuery& q, bool allowNone) {
    const QString v = q.queryItemValue(QStringLiteral("group_by")).toLower();
    if (v.isEmpty()) return allowNone ? UsageGroupBy::None : UsageGroupBy::Model;
    if (v == u"model") return UsageGroupBy::Model;
    if (v == u"provider") return UsageGroupBy::Provider;
    if (v == u"key") return UsageGroupBy::Key;
    if (v == u"none" && allowNone) return UsageGroupBy::None;
    return badParam(QStringLiteral("group_by"),
                    allowNone ? QStringLiteral("must be none, model, provider or key.")
                              : QStringLiteral("must be model, provider or key."));
}

Result<int> parseInt(const QUrlQuery& q, const QString& param, int fallback, int min, int max) {
    if (!q.hasQueryItem(param)) return fallback;
    bool ok = false;
    const qlonglong n = q.queryItemValue(param).toLongLong(&ok);
    if (!ok || n < min || n > max)
        return badParam(param, QStringLiteral("must be a whole number from %1 to %2.").arg(min).arg(max));
    return int(n);
}

QJsonArray bucketsJson(const QList<UsageBucket>& buckets) {
    QJsonArray data;
    for (const UsageBucket& b : buckets) data.append(usageBucketJson(b));
    return data;
}

}  // namespace

QJsonObject usageBucketJson(const UsageBucket& b) {
    // An all-unknown bucket has no cost to show, not $0.
    const bool costKnown = b.requests == 0 || b.unknownCostRequests < b.requests;
    return QJsonObject{{QStringLiteral("start"), b.start.toUTC().toString(Qt::ISODate)},
                       {QStringLiteral("group"), b.group},
                       {QStringLiteral("requests"), b.requests},
                       {QStringLiteral("errors"), b.errors},
                       {QStringLiteral("prompt_tokens"), b.promptTokens},
                       {QStringLiteral("cached_tokens"), b.cachedTokens},
                       {QStringLiteral("cache_write_tokens"), b.cacheWriteTokens},
                       {QStringLiteral("completion_tokens"), b.completionTokens},
                       {QStringLiteral("reasoning_tokens"), b.reasoningTokens},
                       {QStringLiteral("cost_usd"), costKnown ? QJsonValue(double(b.costMicros) / 1e6) : QJsonValue()},
                       {QStringLiteral("cost_micros"), b.costMicros},
                       {QStringLiteral("unknown_cost_requests"), b.unknownCostRequests}};
}

Result<UsageAnswer> answerUsage(UsageQueries& queries, QByteArrayView subPath, QByteArrayView query,
                                const QDateTime& now) {
    const QUrlQuery q(QString::fromUtf8(query));
    if (subPath.isEmpty()) {
        const QString g = q.queryItemValue(QStringLiteral("granularity")).toLower();
        if (!g.isEmpty() && g != u"hour" && g != u"day")
            return badParam(QStringLiteral("granularity"), QStringLiteral("must be hour or day."));
        const bool hourly = g != u"day";
        auto range = parseRange(q, now, hourly ? 86400 : 30 * 86400);
        if (!range) return range.error();
        auto group = parseGroup(q, true);
        if (!group) return group.error();
        return json(listOf(bucketsJson(queries.buckets(
            range->from, range->to, hourly ? UsageGranularity::Hour : UsageGranularity::Day, *group))));
    }
    if (subPath == QByteArrayView("totals")) {
        auto range = parseRange(q, now, 30 * 86400);
        if (!range) return range.error();
        QJsonObject o = usageBucketJson(queries.totals(range->from, range->to,
                                                       q.queryItemValue(QStringLiteral("key_id"))));
        o.insert(QStringLiteral("from"), range->from.toString(Qt::ISODate));
        o.insert(QStringLiteral("to"), range->to.toString(Qt::ISODate));
        return json(o);
    }
    if (subPath == QByteArrayView("top")) {
        auto range = parseRange(q, now, 30 * 86400);
        if (!range) return range.error();
        auto group = parseGroup(q, false);
        if (!group) return group.error();
        auto n = parseInt(q, QStringLiteral("n"), 10, 1, 1000);
        if (!n) return n.error();
        return json(listOf(bucketsJson(queries.top(range->from, range->to, *group, *n))));
    }
    if (subPath == QByteArrayView("requests")) {
        auto limit = parseInt(q, QStringLiteral("limit"), 100, 1, kMaxRequestsPage);
        if (!limit) return limit.error();
        auto before = parseInt(q, QStringLiteral("before_id"), 0, 0, std::numeric_limits<int>::max());
        if (!before) return before.error();
        QJsonArray data;
        const QList<LedgerRow> rows = queries.requests(*limit, *before);
        for (const LedgerRow& r : rows) data.append(ledger_row::toJson(r));
        QJsonObject o = listOf(data);
        // The next page starts below the oldest row shown.
        o.insert(QStringLiteral("has_more"), rows.size() == *limit);
        if (!rows.isEmpty()) o.insert(QStringLiteral("next_before_id"), rows.last().id);
        return json(o);
    }
    if (subPath == QByteArrayView("export")) {
        auto range = parseRange(q, now, 30 * 86400);
        if (!range) return range.error();
        const QString format = q.queryItemValue(QStringLiteral("format")).toLower();
        if (format.isEmpty() || format == u"csv")
            return UsageAnswer{"text/csv; charset=utf-8", queries.exportCsv(range->from, range->to)};
        if (format == u"json") return UsageAnswer{"application/json", queries.exportJson(range->from, range->to)};
        return badParam(QStringLiteral("format"), QStringLiteral("must be csv or json."));
    }
    return ApiError::notFound(QStringLiteral("Unknown usage query '%1'; use usage, usage/totals, usage/top, "
                                             "usage/requests or usage/export.")
                                  .arg(QString::fromUtf8(subPath)),
                              QStringLiteral("unknown_url"));
}

}  // namespace ar
