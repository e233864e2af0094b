#pragma once

#include <QSortFilterProxyModel>

namespace ar::gui {

// Filters the live log by model, key, provider (substring, case-insensitive) and status class.
class LiveLogFilterModel : public QSortFilterProxyModel {
    Q_OBJECT
public:
    enum class StatusFilter { All, Running, Ok, Errors };

    explicit LiveLogFilterModel(QObject* parent = nullptr);

    void setModelFilter(const QString& text);
    void setKeyFilter(const QString& text);
    void setProviderFilter(const QString& text);
    void setStatusFilter(StatusFilter status);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QString m_model, m_key, m_provider;
    StatusFilter m_status = StatusFilter::All;
};

}  // namespace ar::gui
