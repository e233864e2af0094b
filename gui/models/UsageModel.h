#pragma once

#include <QAbstractTableModel>
#include <QFuture>
#include <QObject>
#include <functional>

#include "models/UsageSeries.h"

namespace ar::gui {

// Loads usage for the selected range and grouping off the GUI thread (queries may touch the
// database) and keeps the latest result; `loaded` fires on the GUI thread.
class UsageModel : public QObject {
    Q_OBJECT
public:
    using Clock = std::function<QDateTime()>;

    explicit UsageModel(UsageQueries* queries, QObject* parent = nullptr);
    ~UsageModel() override;  // waits for queries still running (they use `queries`)

    void setRange(UsageRange range);
    // A custom range of whole UTC days (inclusive); switches the range to Custom.
    void setCustomRange(const QDate& first, const QDate& last);
    QDate customFirst() const { return m_customFirst; }
    QDate customLast() const { return m_customLast; }
    void setGroupBy(UsageGroupBy groupBy);
    UsageRange range() const { return m_range; }
    UsageGroupBy groupBy() const { return m_groupBy; }
    void setClock(Clock clock) { m_clock = std::move(clock); }
    bool available() const { return m_queries != nullptr; }
    bool loading() const { return m_loading; }

    void reload();
    const UsageSeries& series() const { return m_series; }
    const UsageWindow& window() const { return m_window; }

    // Writes the range's ledger rows as CSV to `path`; `exported` reports the outcome.
    void exportCsv(const QString& path);

Q_SIGNALS:
    void loadingChanged(bool loading);
    void loaded();
    void exported(bool ok, const QString& message);

private:
    UsageWindow currentWindow() const;

    UsageQueries* m_queries;
    QDate m_customFirst, m_customLast;
    UsageRange m_range = UsageRange::Last7Days;
    UsageGroupBy m_groupBy = UsageGroupBy::Model;
    UsageWindow m_window;
    UsageSeries m_series;
    Clock m_clock;
    quint64 m_generation = 0;
    QList<QFuture<void>> m_jobs;
    bool m_loading = false;
};

// Per-group totals for the table under the charts, with a final "Total" row.
class UsageTotalsModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Group, Requests, Errors, PromptTokens, CompletionTokens, Cost, ColumnCount };

    explicit UsageTotalsModel(QObject* parent = nullptr);
    void setSeries(const UsageSeries& series, const QString& groupHeader);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

private:
    QList<UsageTotal> m_rows;
    QString m_groupHeader;
};

}  // namespace ar::gui
