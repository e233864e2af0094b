#include "models/UsageSeries.h"

#include <QObject>
#include <algorithm>

namespace ar::gui {

UsageWindow UsageWindow::forRange(UsageRange range, const QDateTime& nowUtc) {
    UsageWindow w;
    const QDateTime now = nowUtc.toUTC();
    if (range == UsageRange::Last24Hours) {
        w.granularity = UsageGranularity::Hour;
        const QDateTime hour(now.date(), QTime(now.time().hour(), 0), Qt::UTC);
        w.to = hour.addSecs(3600);
        w.from = w.to.addSecs(-24 * 3600);
    } else {
        w.granularity = UsageGranularity::Day;
        const QDateTime day(now.date(), QTime(0, 0), Qt::UTC);
        w.to = day.addDays(1);
        w.from = w.to.addDays(range == UsageRange::Last7Days ? -7 : -30);
    }
    return w;
}

UsageWindow UsageWindow::forDays(const QDate& first, const QDate& last) {
    UsageWindow w;
    w.from = QDateTime(first, QTime(0, 0), Qt::UTC);
    w.to = QDateTime(last.addDays(1), QTime(0, 0), Qt::UTC);
    w.granularity = first == last ? UsageGranularity::Hour : UsageGranularity::Day;
    return w;
}

QList<QDateTime> UsageWindow::slots() const {
    QList<QDateTime> out;
    for (QDateTime t = from; t < to;
         t = granularity == UsageGranularity::Hour ? t.addSecs(3600) : t.addDays(1))
        out.append(t);
    return out;
}

QString UsageWindow::label(const QDateTime& slot) const {
    return granularity == UsageGranularity::Hour ? slot.toLocalTime().toString(QStringLiteral("HH"))
                                                 : slot.toString(QStringLiteral("d"));
}

QString UsageWindow::title() const {
    if (granularity == UsageGranularity::Hour)
        return QObject::tr("hour, %1 – %2")
            .arg(from.toLocalTime().toString(QStringLiteral("ddd HH:mm")),
                 to.toLocalTime().toString(QStringLiteral("ddd HH:mm")));
    return QObject::tr("day (UTC), %1 – %2")
        .arg(from.toString(QStringLiteral("MMM d")), to.addDays(-1).toString(QStringLiteral("MMM d")));
}

QString groupLabel(const QString& group) {
    return group.isEmpty() ? QObject::tr("(none)") : group;
}

UsageSeries buildUsageSeries(const QList<UsageBucket>& buckets, const UsageWindow& window, int maxGroups) {
    UsageSeries s;
    const QList<QDateTime> slots = window.slots();
    QHash<QDateTime, int> slotIndex;
    for (int i = 0; i < slots.size(); ++i) {
        slotIndex.insert(slots[i], i);
        QString label = window.label(slots[i]);
        // A category axis merges equal labels (day 1 twice in a 30-day window over February).
        while (s.categories.contains(label)) label += QChar(0x200B);
        s.categories.append(label);
    }

    QHash<QString, UsageTotal> totals;
    for (const UsageBucket& b : buckets) {
        UsageTotal& t = totals[b.group];
        t.group = b.group;
        t.requests += b.requests;
        t.errors += b.errors;
        t.promptTokens += b.promptTokens;
        t.completionTokens += b.completionTokens;
        t.costMicros += b.costMicros;
        t.unknownCostRequests += b.unknownCostRequests;
    }
    QList<UsageTotal> ordered = totals.values();
    std::sort(ordered.begin(), ordered.end(), [](const UsageTotal& a, const UsageTotal& b) {
        const qint64 ta = a.promptTokens + a.completionTokens, tb = b.promptTokens + b.completionTokens;
        if (ta != tb) return ta > tb;
        if (a.costMicros != b.costMicros) return a.costMicros > b.costMicros;
        return a.group < b.group;
    });

    const QString other = QObject::tr("other");
    QHash<QString, QString> seriesOf;  // bucket group -> series name
    for (int i = 0; i < ordered.size(); ++i) {
        const bool folded = maxGroups > 0 && i >= maxGroups - 1 && ordered.size() > maxGroups;
        const QString name = folded ? other : groupLabel(ordered[i].group);
        seriesOf.insert(ordered[i].group, name);
        if (!s.groups.contains(name)) {
            s.groups.append(name);
            s.tokens.insert(name, QList<double>(slots.size(), 0.0));
            s.cost.insert(name, QList<double>(slots.size(), 0.0));
            UsageTotal t;
            t.group = name;
            s.totals.append(t);
        }
        UsageTotal& t = s.totals[s.groups.indexOf(name)];
        const UsageTotal& src = ordered[i];
        t.requests += src.requests;
        t.errors += src.errors;
        t.promptTokens += src.promptTokens;
        t.completionTokens += src.completionTokens;
        t.costMicros += src.costMicros;
        t.unknownCostRequests += src.unknownCostRequests;
        s.total.requests += src.requests;
        s.total.errors += src.errors;
        s.total.promptTokens += src.promptTokens;
        s.total.completionTokens += src.completionTokens;
        s.total.costMicros += src.costMicros;
        s.total.unknownCostRequests += src.unknownCostRequests;
    }
    for (const UsageBucket& b : buckets) {
        const auto it = slotIndex.constFind(b.start.toUTC());
        if (it == slotIndex.constEnd()) continue;  // outside the window
        const QString name = seriesOf.value(b.group);
        s.tokens[name][*it] += double(b.promptTokens + b.completionTokens);
        s.cost[name][*it] += double(b.costMicros) / 1e6;
    }
    s.total.group = QObject::tr("Total");
    s.axisTitle = window.title();
    return s;
}

}  // namespace ar::gui
