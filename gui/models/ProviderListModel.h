#pragma once

#include <QAbstractTableModel>

#include <QHash>

#include "providers/ProviderConfig.h"
#include "routing/HealthReport.h"

namespace ar::gui {

// Configured providers with their health as a table. Credentials are never shown: only where
// they come from.
class ProviderListModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Id, Type, BaseUrl, Credential, Health, ColumnCount };

    explicit ProviderListModel(QObject* parent = nullptr);

    void setProviders(QList<ProviderConfig> providers);
    // Adds or replaces (by id).
    void upsert(const ProviderConfig& provider);
    void remove(const QString& id);
    const QList<ProviderConfig>& providers() const { return m_providers; }
    const ProviderConfig* provider(int row) const;
    // Health and latency as the proxy saw them (OverviewModel).
    void setHealth(const QList<HealthReport>& health);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

private:
    QList<ProviderConfig> m_providers;
    QHash<QString, HealthReport> m_health;
};

}  // namespace ar::gui
