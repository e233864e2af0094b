#include "models/ProviderListModel.h"

#include <QColor>

#include "models/Format.h"

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

void ProviderListModel::setHealth(const QList<HealthReport>& health) {
    m_health.clear();
    for (const HealthReport& h : health) m_health.insert(h.provider, h);
    if (!m_providers.isEmpty()) Q_EMIT dataChanged(index(0, Health), index(int(m_providers.size()) - 1, Health));
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
    if (!p) return {};
    const HealthReport h = m_health.value(p->id, healthReport(p->id, {}, 0));
    if (index.column() == Health && role == Qt::ForegroundRole && h.down()) return QColor(0xd0, 0x45, 0x3a);
    if (index.column() == Health && role == Qt::ToolTipRole && !h.lastError.isEmpty()) return h.lastError;
    if (role != Qt::DisplayRole) return {};
    switch (Column(index.column())) {
    case Id: return p->id;
    case Type: return p->type;
    case BaseUrl: return p->baseUrl.toString();
    case Credential:
        if (p->credential == QLatin1String("keychain"))
            return p->apiKeyEnv.isEmpty() ? tr("keychain") : tr("keychain, else $%1").arg(p->apiKeyEnv);
        if (!p->apiKeyEnv.isEmpty())
            return p->apiKey.isEmpty() ? tr("$%1 (not set)").arg(p->apiKeyEnv) : tr("$%1").arg(p->apiKeyEnv);
        return p->apiKey.isEmpty() ? tr("none") : tr("set");
    case Health: {
        QString text = healthStatusText(h.status);
        if (h.lastLatencyMs >= 0 && h.status != HealthStatus::Unknown)
            text += QStringLiteral(" · ") + formatDuration(h.lastLatencyMs);
        return text;
    }
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
    case Health: return tr("Health");
    case ColumnCount: break;
    }
    return {};
}

}  // namespace ar::gui
