#pragma once

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTableView;

namespace ar::gui {

class GatewayController;
class LiveLogFilterModel;
class LiveLogModel;

// The live request log: filterable table on top, the selected request and its response
// (growing live while it streams) below.
class LiveLogPage : public QWidget {
    Q_OBJECT
public:
    LiveLogPage(LiveLogModel* model, GatewayController* controller, QWidget* parent = nullptr);

    QTableView* table() const { return m_table; }
    LiveLogFilterModel* filter() const { return m_filter; }
    QString requestText() const;
    QString responseText() const;
    // The selected request as curl (key read from $AGENTROUTER_API_KEY), empty if none.
    QString selectedAsCurl() const;
    void selectRow(int sourceRow);

private:
    void refreshDetail();
    void refreshCount();
    quint64 selectedRequestId() const;

    LiveLogModel* m_model;
    GatewayController* m_controller;
    LiveLogFilterModel* m_filter;
    QTableView* m_table;
    QLineEdit* m_modelFilter;
    QLineEdit* m_keyFilter;
    QLineEdit* m_providerFilter;
    QComboBox* m_statusFilter;
    QPushButton* m_pause;
    QPushButton* m_clear;
    QPushButton* m_copyCurl;
    QLabel* m_count;
    QLabel* m_detailTitle;
    QPlainTextEdit* m_request;
    QPlainTextEdit* m_response;
    bool m_followTail = true;
};

}  // namespace ar::gui
