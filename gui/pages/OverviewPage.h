#pragma once

#include <QWidget>

class QLabel;
class QPushButton;
class QTimer;

namespace ar::gui {

class CopyField;
class GatewayController;
class SnippetTabs;
class TodayStats;

// Gateway status, start/stop, today's counters and client snippets.
class OverviewPage : public QWidget {
    Q_OBJECT
public:
    OverviewPage(GatewayController* controller, TodayStats* stats, QWidget* parent = nullptr);

    QPushButton* startStopButton() const { return m_startStop; }

private:
    void refreshStatus();
    void refreshStats();

    GatewayController* m_controller;
    TodayStats* m_stats;
    QLabel* m_status;
    QLabel* m_error;
    CopyField* m_url;
    QPushButton* m_startStop;
    QLabel* m_uptime;
    QLabel* m_requests;
    QLabel* m_errors;
    QLabel* m_promptTokens;
    QLabel* m_completionTokens;
    SnippetTabs* m_snippets;
    QTimer* m_uptimeTimer;
};

}  // namespace ar::gui
