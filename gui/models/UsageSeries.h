#pragma once

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QStringList>

#include "usage/UsageQueries.h"

namespace ar::gui {

enum class UsageRange { Last24Hours, Last7Days, Last30Days, Custom };

// The time window a range covers, aligned to whole hours or days (UTC) so buckets line up.
struct UsageWindow {
    QDateTime from;  // inclusive
    QDateTime to;    // exclusive
    UsageGranularity granularity = UsageGranularity::Hour;

    static UsageWindow forRange(UsageRange range, const QDateTime& nowUtc);
    // Whole UTC days `first` to `last` inclusive; one day is shown by the hour.
    static UsageWindow forDays(const QDate& first, const QDate& last);
    static constexpr int kMaxCustomDays = 366;
    QList<QDateTime> slots() const;
    QString label(const QDateTime& slot) const;  // "14" (hour, local) or "21" (day): fits under a bar
    QString title() const;                       // the dates the labels belong to
};

struct UsageTotal {
    QString group;
    qint64 requests = 0;
    qint64 errors = 0;
    qint64 promptTokens = 0;
    qint64 completionTokens = 0;
    qint64 costMicros = 0;
    qint64 unknownCostRequests = 0;
};

// Buckets reshaped for stacked charts: one value per (group, slot), groups ordered by total
// tokens (largest first), the groups beyond `maxGroups` folded into "other".
struct UsageSeries {
    QStringList categories;              // slot labels, unique
    QString axisTitle;
    QStringList groups;
    QHash<QString, QList<double>> tokens;  // group -> tokens per slot
    QHash<QString, QList<double>> cost;    // group -> dollars per slot
    QList<UsageTotal> totals;            // per group, same order as `groups`
    UsageTotal total;                    // everything
};

UsageSeries buildUsageSeries(const QList<UsageBucket>& buckets, const UsageWindow& window, int maxGroups = 8);

// Group label shown for an empty group name.
QString groupLabel(const QString& group);

}  // namespace ar::gui
