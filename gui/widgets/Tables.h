#pragma once

class QTableView;
class QString;

namespace ar::gui {

// The common look of the app's tables: whole-row selection, compact single-line rows, no row
// numbers, last column stretched. `objectName` keys the column state kept in QSettings.
void configureTable(QTableView* table, const QString& objectName, const QString& accessibleName);

}  // namespace ar::gui
