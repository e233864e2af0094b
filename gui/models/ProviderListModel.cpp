#include "models/ProviderListModel.h"

namespace ar::gui {

ProviderListModel::ProviderListModel(QObject* parent) : QAbstractTableModel(parent) {}

void ProviderListModel::setProviders(QList<ProviderConfig> providers) {
    beginResetModel();
    m_providers = std::move(providers);
    endResetModel();
}

void ProviderListModel::upsert(const ProviderConfig& provider) {
    for (int i = 0; i < m_providers.size(); ++i) {
        if (m_providers[i].id != provider.id) continue;
        m_providers[i] = provider;
        Q_EMIT dataChanged(index(i, 0), index(i, ColumnCount - 1));
        return;
    }
    beginInsertRows({}, int(m_providers.size()), int(m_providers.size()));
    m_providers.append(provider);
    endInsertRows();
}

void ProviderListModel::remove(const QString& id) {
    for (int i = 0; i < m_providers.size(); ++i) {
        if (m_providers[i].id != id) continue;
        beginRemoveRows({}, i, i);
        m_providers.removeAt(i);
        endRemoveRows();
        return;
    }
}

const ProviderConfig* ProviderListModel::provider(int row) const {
    return row >= 0 && row < m_providers.size() ? &m_providers[row] : nullptr;
}

int ProviderListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_providers.size());
}
int ProviderListModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant ProviderListModel::data(const QModelIndex& index, int role) const {
    const ProviderConfig* p = provider(index.row());
    if (!p || role != Qt::DisplayRole) return {};
    switch (Column(index.column())) {
    case Id: return p->id;
    case Type: return p->type;
    case BaseUrl: return p->baseUrl.toString();
    case Credential:
        if (!p->apiKeyEnv.isEmpty())
            return p->apiKey.isEmpty() ? tr("$%1 (not set)").arg(p->apiKeyEnv) : tr("$%1").arg(p->apiKeyEnv);
        return p->apiKey.isEmpty() ? tr("none") : tr("keychain");
    case ColumnCount: break;
    }
    return {};
}

QVariant ProviderListModel::headerData(int section, Qt::Orientation o, int role) const {
    if (o != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (Column(section)) {
    case Id: return tr("Provider");
    case Type: return tr("Type");
    case BaseUrl: return tr("Base URL");
    case Credential: return tr("Credential");
    case ColumnCount: break;
    }
    return {};
}

}  // namespace ar::gui
