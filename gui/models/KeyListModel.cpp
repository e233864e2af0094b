#include "models/KeyListModel.h"

#include <QColor>
#include <QFont>
#include <algorithm>

#include "models/Format.h"

namespace ar::gui {

KeyListModel::KeyListModel(KeyService* keys, QObject* parent) : QAbstractTableModel(parent), m_service(keys) {
    refresh();
}

void KeyListModel::refresh() {
    beginResetModel();
    m_keys = m_service ? m_service->list() : QList<KeyRecord>{};
    // Active keys first, newest first within each group.
    std::sort(m_keys.begin(), m_keys.end(), [](const KeyRecord& a, const KeyRecord& b) {
        if (a.revoked != b.revoked) return !a.revoked;
        return a.createdAt > b.createdAt;
    });
    endResetModel();
}

void KeyListModel::setBudgets(const QList<KeyBudgetStatus>& budgets) {
    m_budgets.clear();
    for (const KeyBudgetStatus& b : budgets) m_budgets.insert(b.keyId, b);
    if (!m_keys.isEmpty()) Q_EMIT dataChanged(index(0, Spend), index(int(m_keys.size()) - 1, Spend));
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
    const auto budget = m_budgets.constFind(k->id);
    const bool hasSpend = budget != m_budgets.constEnd();
    if (role == FractionRole) return hasSpend && budget->hasBudget() ? QVariant(budget->fraction()) : QVariant();
    if (role == Qt::TextAlignmentRole && index.column() == Spend) return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ForegroundRole && index.column() == Spend && hasSpend && budget->hasBudget() &&
        budget->fraction() >= 1.0)
        return QColor(0xd0, 0x45, 0x3a);
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
    case Spend:
        if (k->revoked || !hasSpend) return QString();
        if (!budget->hasBudget()) return formatCost(budget->spendMicros);
        return tr("%1 / %2 (%3%)")
            .arg(formatCost(budget->spendMicros), formatCost(budget->budgetMicros))
            .arg(qRound(budget->fraction() * 100));
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
    case Spend: return tr("Spend / budget");
    case State: return tr("Status");
    case ColumnCount: break;
    }
    return {};
}

}  // namespace ar::gui
