#pragma once

#include <QWidget>

class QTableView;

namespace ar::gui {

class RouteListModel;

// Routes, read-only for now: public model -> ordered provider targets.
class RoutesPage : public QWidget {
    Q_OBJECT
public:
    explicit RoutesPage(RouteListModel* model, QWidget* parent = nullptr);
    QTableView* table() const { return m_table; }

private:
    QTableView* m_table;
};

}  // namespace ar::gui
