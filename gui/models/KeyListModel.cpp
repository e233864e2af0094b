#include "models/KeyListModel.h"

#include <QFont>
#include <algorithm>

namespace ar::gui {

KeyListModel::KeyListModel(KeyStore* store, QObject* parent) : QAbstractTableModel(parent), m_store(store) {
    refresh();
}

void KeyListModel::refresh() {
    beginResetModel();
    m_keys = m_store ? m_store->list() : QList<KeyRecord>{};
    // Active keys first, newest first within each group.
    std::sort(m_keys.begin(), m_keys.end(), [](const KeyRecord& a, const KeyRecord& b) {
        if (a.revoked != b.revoked) return !a.revoked;
        return a.createdAt > b.createdAt;
    });
    endResetModel();
}

const KeyRecord* KeyListModel::record(int row) const {
    return row >= 0 && row < m_keys.size() ? &m_keys[row] : nullptr;
}

int KeyListModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(m_keys.size()); }
int KeyListModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant KeyListModel::data(const QModelIndex& index, int role) const {
    const KeyRecord* k = record(index.row());
    if (!k) return {};
    if (role == IdRole) return k->id;
    if (role == RevokedRole) return k->revoked;
    if (role == Qt::FontRole && index.column() == Id) {
        QFont f(QStringLiteral("monospace"));
        f.setStyleHint(QFont::Monospace);
        return f;
    }
    if (role != Qt::DisplayRole) return {};
    switch (Column(index.column())) {
    case Name: return k->name;
    case Id: return QStringLiteral("sk-ar-%1…").arg(k->id);
    case Created: return k->createdAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"));
    case State: return k->revoked ? tr("revoked") : tr("active");
    case ColumnCount: break;
    }
    return {};
}

QVariant KeyListModel::headerData(int section, Qt::Orientation o, int role) const {
    if (o != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (Column(section)) {
    case Name: return tr("Name");
    case Id: return tr("Key");
    case Created: return tr("Created");
    case State: return tr("Status");
    case ColumnCount: break;
    }
    return {};
}

}  // namespace ar::gui
