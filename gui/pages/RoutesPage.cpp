#include "pages/RoutesPage.h"

#include <QHeaderView>
#include <QLabel>
#include <QTableView>
#include <QVBoxLayout>

#include "models/RouteListModel.h"
#include "widgets/Tables.h"

namespace ar::gui {

RoutesPage::RoutesPage(RouteListModel* model, QWidget* parent) : QWidget(parent) {
    setAccessibleName(tr("Routes"));
    auto* intro = new QLabel(tr("Each public model name is served by its first target; the next one is tried "
                                "when a target cannot be reached, times out, or answers 429 or 5xx before "
                                "anything was sent to the client. <code>provider/model</code> reaches any "
                                "configured provider without a route. Routes are edited in the config file."),
                             this);
    intro->setWordWrap(true);
    m_table = new QTableView(this);
    configureTable(m_table, QStringLiteral("routesTable"), tr("Routes"));
    m_table->setModel(model);
    const int charW = m_table->fontMetrics().averageCharWidth();
    m_table->setColumnWidth(RouteListModel::Model, 24 * charW);
    m_table->setColumnWidth(RouteListModel::Order, 14 * charW);
    m_table->setColumnWidth(RouteListModel::Provider, 16 * charW);
    m_table->setColumnWidth(RouteListModel::UpstreamModel, 32 * charW);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_table, 1);
}

}  // namespace ar::gui
