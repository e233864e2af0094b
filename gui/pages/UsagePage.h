#pragma once

#include <QWidget>

class QChart;
class QChartView;
class QComboBox;
class QDateEdit;
class QLabel;
class QPushButton;
class QStackedWidget;
class QTableView;

namespace ar::gui {

class UsageModel;
class UsageTotalsModel;

// Tokens and cost over time, stacked by model, provider or key, with a totals table and CSV
// export. Everything shown comes from UsageModel (the ledger's read side).
class UsagePage : public QWidget {
    Q_OBJECT
public:
    explicit UsagePage(UsageModel* model, QWidget* parent = nullptr);

    QChart* tokensChart() const { return m_tokensChart; }
    QChart* costChart() const { return m_costChart; }
    QTableView* totalsTable() const { return m_totals; }
    QComboBox* rangeCombo() const { return m_range; }
    QComboBox* groupCombo() const { return m_group; }
    QDateEdit* fromEdit() const { return m_from; }
    QDateEdit* toEdit() const { return m_to; }
    QLabel* rangeError() const { return m_rangeError; }

protected:
    void showEvent(QShowEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void rebuild();
    void restyle();
    void exportCsv();
    void applyCustomRange();

    UsageModel* m_model;
    UsageTotalsModel* m_totalsModel;
    QComboBox* m_range;
    QComboBox* m_group;
    QWidget* m_custom;
    QDateEdit* m_from;
    QDateEdit* m_to;
    QLabel* m_rangeError;
    QPushButton* m_refresh;
    QPushButton* m_export;
    QLabel* m_status;
    QStackedWidget* m_body;
    QChart* m_tokensChart;
    QChart* m_costChart;
    QChartView* m_tokensView;
    QChartView* m_costView;
    QTableView* m_totals;
    bool m_loadedOnce = false;
};

}  // namespace ar::gui
