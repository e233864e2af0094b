#pragma once

#include <QAbstractTableModel>
#include <QHash>

#include "keys/KeyService.h"
#include "usage/KeyBudgets.h"

namespace ar::gui {

// The gateway keys (never secrets) as a table, with each key's spend against its budget;
// refresh() re-reads the key service.
class KeyListModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Name, Id, Created, Spend, State, ColumnCount };
    enum Role { IdRole = Qt::UserRole + 1, RevokedRole, FractionRole };

    explicit KeyListModel(KeyService* keys, QObject* parent = nullptr);

    void refresh();
    KeyService* service() const { return m_service; }
    const KeyRecord* record(int row) const;
    // Spend per key, from OverviewModel (the ledger).
    void setBudgets(const QList<KeyBudgetStatus>& budgets);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

private:
    KeyService* m_service;
    QList<KeyRecord> m_keys;
    QHash<QString, KeyBudgetStatus> m_budgets;
};

}  // namespace ar::gui
