#pragma once

#include <QAbstractTableModel>

#include "routing/Route.h"

namespace ar::gui {

// Routes, one row per target: public model, order, provider, upstream model, weight.
class RouteListModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Model, Order, Provider, UpstreamModel, Weight, ColumnCount };

    explicit RouteListModel(QObject* parent = nullptr);
    void setRoutes(const QList<Route>& routes);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

private:
    struct Row {
        QString model;
        int order = 0;
        RouteTarget target;
    };
    QList<Row> m_rows;
};

}  // namespace ar::gui
