#include "models/UsageModel.h"

#include <QFile>
#include <QFont>
#include <QFutureWatcher>
#include <QPromise>
#include <QSaveFile>
#include <QThreadPool>
#include <memory>

#include "models/Async.h"
#include "models/Format.h"

namespace ar::gui {

namespace {

struct Loaded {
    UsageWindow window;
    UsageSeries series;
};

}  // namespace

UsageModel::UsageModel(UsageQueries* queries, QObject* parent) : QObject(parent), m_queries(queries) {}

UsageModel::~UsageModel() {
    for (QFuture<void>& job : m_jobs) job.waitForFinished();
}

void UsageModel::setRange(UsageRange range) {
    if (m_range == range) return;
    m_range = range;
    reload();
}

void UsageModel::setCustomRange(const QDate& first, const QDate& last) {
    if (m_range == UsageRange::Custom && first == m_customFirst && last == m_customLast) return;
    m_customFirst = first;
    m_customLast = last;
    m_range = UsageRange::Custom;
    reload();
}

UsageWindow UsageModel::currentWindow() const {
    const QDateTime now = m_clock ? m_clock() : QDateTime::currentDateTimeUtc();
    if (m_range == UsageRange::Custom && m_customFirst.isValid() && m_customLast.isValid())
        return UsageWindow::forDays(m_customFirst, m_customLast);
    return UsageWindow::forRange(m_range == UsageRange::Custom ? UsageRange::Last7Days : m_range, now);
}

void UsageModel::setGroupBy(UsageGroupBy groupBy) {
    if (m_groupBy == groupBy) return;
    m_groupBy = groupBy;
    reload();
}

void UsageModel::reload() {
    if (!m_queries) return;
    const quint64 generation = ++m_generation;
    const UsageWindow window = currentWindow();
    UsageQueries* queries = m_queries;
    const UsageGroupBy groupBy = m_groupBy;
    if (!m_loading) {
        m_loading = true;
        Q_EMIT loadingChanged(true);
    }
    m_jobs.removeIf([](const QFuture<void>& f) { return f.isFinished(); });
    m_jobs.append(QFuture<void>(runAsync<Loaded>(
        this,
        [queries, window, groupBy] {
            return Loaded{window, buildUsageSeries(queries->buckets(window.from, window.to, window.granularity, groupBy),
                                                   window)};
        },
        [this, generation](Loaded result) {
            if (generation != m_generation) return;  // a newer reload is on its way
            m_window = result.window;
            m_series = std::move(result.series);
            m_loading = false;
            Q_EMIT loadingChanged(false);
            Q_EMIT loaded();
        })));
}

void UsageModel::exportCsv(const QString& path) {
    if (!m_queries) return;
    const UsageWindow window = currentWindow();
    UsageQueries* queries = m_queries;
    m_jobs.removeIf([](const QFuture<void>& f) { return f.isFinished(); });
    m_jobs.append(QFuture<void>(runAsync<QString>(
        this,
        [queries, window, path] {
            const QByteArray csv = queries->exportCsv(window.from, window.to);
            QSaveFile f(path);
            if (!f.open(QIODevice::WriteOnly) || f.write(csv) != csv.size() || !f.commit())
                return QObject::tr("Could not write %1: %2").arg(path, f.errorString());
            return QString();
        },
        [this, path](QString error) {
            if (error.isEmpty()) Q_EMIT exported(true, tr("Exported to %1").arg(path));
            else Q_EMIT exported(false, error);
        })));
}

UsageTotalsModel::UsageTotalsModel(QObject* parent) : QAbstractTableModel(parent) {}

void UsageTotalsModel::setSeries(const UsageSeries& series, const QString& groupHeader) {
    beginResetModel();
    m_rows = series.totals;
    if (!m_rows.isEmpty()) m_rows.append(series.total);
    m_groupHeader = groupHeader;
    endResetModel();
    Q_EMIT headerDataChanged(Qt::Horizontal, Group, Group);
}

int UsageTotalsModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(m_rows.size()); }
int UsageTotalsModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant UsageTotalsModel::data(const QModelIndex& index, int role) const {
    if (index.row() < 0 || index.row() >= m_rows.size()) return {};
    const UsageTotal& t = m_rows[index.row()];
    const bool totalRow = index.row() == m_rows.size() - 1;
    if (role == Qt::FontRole && totalRow) {
        QFont f;
        f.setBold(true);
        return f;
    }
    if (role == Qt::TextAlignmentRole && index.column() != Group) return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole && index.column() == Cost && t.unknownCostRequests > 0)
        return tr("%n request(s) with an unknown price are not included", nullptr, int(t.unknownCostRequests));
    if (role != Qt::DisplayRole) return {};
    switch (Column(index.column())) {
    case Group: return t.group;
    case Requests: return formatCount(t.requests);
    case Errors: return formatCount(t.errors);
    case PromptTokens: return formatCount(t.promptTokens);
    case CompletionTokens: return formatCount(t.completionTokens);
    case Cost: return formatCost(t.costMicros) + (t.unknownCostRequests > 0 ? QStringLiteral(" +?") : QString());
    case ColumnCount: break;
    }
    return {};
}

QVariant UsageTotalsModel::headerData(int section, Qt::Orientation o, int role) const {
    if (o != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (Column(section)) {
    case Group: return m_groupHeader;
    case Requests: return tr("Requests");
    case Errors: return tr("Errors");
    case PromptTokens: return tr("Prompt tokens");
    case CompletionTokens: return tr("Completion tokens");
    case Cost: return tr("Cost");
    case ColumnCount: break;
    }
    return {};
}

}  // namespace ar::gui
