#include "models/RouteListModel.h"

namespace ar::gui {

RouteListModel::RouteListModel(QObject* parent) : QAbstractTableModel(parent) {}

void RouteListModel::setRoutes(const QList<Route>& routes) {
    beginResetModel();
    m_rows.clear();
    for (const Route& r : routes)
        for (int i = 0; i < r.targets.size(); ++i) m_rows.append({r.model, i + 1, r.targets[i]});
    endResetModel();
}

int RouteListModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(m_rows.size()); }
int RouteListModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant RouteListModel::data(const QModelIndex& index, int role) const {
    if (index.row() < 0 || index.row() >= m_rows.size()) return {};
    const Row& r = m_rows[index.row()];
    if (role == Qt::TextAlignmentRole && (index.column() == Order || index.column() == Weight))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole) return {};
    switch (Column(index.column())) {
    case Model: return r.order == 1 ? r.model : QString();  // the model names its first target only
    case Order: return r.order == 1 ? tr("primary") : tr("fallback %1").arg(r.order - 1);
    case Provider: return r.target.providerId;
    case UpstreamModel: return r.target.upstreamModel;
    case Weight: return r.target.weight > 0 ? QString::number(r.target.weight) : QString();
    case ColumnCount: break;
    }
    return {};
}

QVariant RouteListModel::headerData(int section, Qt::Orientation o, int role) const {
    if (o != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (Column(section)) {
    case Model: return tr("Model");
    case Order: return tr("Order");
    case Provider: return tr("Provider");
    case UpstreamModel: return tr("Upstream model");
    case Weight: return tr("Weight");
    case ColumnCount: break;
    }
    return {};
}

}  // namespace ar::gui
