#pragma once

#include <QAbstractTableModel>

#include "auth/KeyStore.h"

namespace ar::gui {

// The gateway keys (never secrets) as a table; refresh() re-reads the store.
class KeyListModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Name, Id, Created, State, ColumnCount };
    enum Role { IdRole = Qt::UserRole + 1, RevokedRole };

    explicit KeyListModel(KeyStore* store, QObject* parent = nullptr);

    void refresh();
    KeyStore* store() const { return m_store; }
    const KeyRecord* record(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

private:
    KeyStore* m_store;
    QList<KeyRecord> m_keys;
};

}  // namespace ar::gui
