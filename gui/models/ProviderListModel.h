#pragma once

#include <QAbstractTableModel>

#include "providers/ProviderConfig.h"

namespace ar::gui {

// Configured providers as a table. Credentials are never shown: only where they come from.
class ProviderListModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Id, Type, BaseUrl, Credential, ColumnCount };

    explicit ProviderListModel(QObject* parent = nullptr);

    void setProviders(QList<ProviderConfig> providers);
    // Adds or replaces (by id).
    void upsert(const ProviderConfig& provider);
    void remove(const QString& id);
    const QList<ProviderConfig>& providers() const { return m_providers; }
    const ProviderConfig* provider(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

private:
    QList<ProviderConfig> m_providers;
};

}  // namespace ar::gui
