#include "models/LiveLogFilterModel.h"

#include "models/LiveLogModel.h"

namespace ar::gui {

LiveLogFilterModel::LiveLogFilterModel(QObject* parent) : QSortFilterProxyModel(parent) {
    // Status and tokens change while a request streams: re-filter rows as they update.
    setDynamicSortFilter(true);
}

void LiveLogFilterModel::setModelFilter(const QString& text) {
    m_model = text.trimmed();
    invalidateFilter();
}

void LiveLogFilterModel::setKeyFilter(const QString& text) {
    m_key = text.trimmed();
    invalidateFilter();
}

void LiveLogFilterModel::setProviderFilter(const QString& text) {
    m_provider = text.trimmed();
    invalidateFilter();
}

void LiveLogFilterModel::setStatusFilter(StatusFilter status) {
    m_status = status;
    invalidateFilter();
}

bool LiveLogFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const {
    const QModelIndex idx = sourceModel()->index(sourceRow, 0, sourceParent);
    auto matches = [&idx](int role, const QString& needle) {
        return needle.isEmpty() || idx.data(role).toString().contains(needle, Qt::CaseInsensitive);
    };
    if (!matches(LiveLogModel::ModelRole, m_model) || !matches(LiveLogModel::KeyRole, m_key) ||
        !matches(LiveLogModel::ProviderRole, m_provider))
        return false;
    const QString cls = idx.data(LiveLogModel::StatusClassRole).toString();
    switch (m_status) {
    case StatusFilter::All: return true;
    case StatusFilter::Running: return cls == QLatin1String("running");
    case StatusFilter::Ok: return cls == QLatin1String("ok");
    case StatusFilter::Errors: return cls == QLatin1String("error");
    }
    return true;
}

}  // namespace ar::gui
