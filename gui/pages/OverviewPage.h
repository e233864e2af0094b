#pragma once

#include <QHash>
#include <QStringList>
#include <QWidget>

class QGridLayout;
class QLabel;
class QProgressBar;
class QPushButton;
class QTimer;

namespace ar::gui {

class CopyField;
class GatewayController;
class OverviewModel;
class SnippetTabs;

// Gateway status, start/stop and uptime; requests, tokens and spend today and this month;
// budget bars per key; provider health; client snippets.
class OverviewPage : public QWidget {
    Q_OBJECT
public:
    OverviewPage(GatewayController* controller, OverviewModel* model, QWidget* parent = nullptr);

    QPushButton* startStopButton() const { return m_startStop; }
    // The tiles: "today" or "month" x "requests" | "tokens" | "spend".
    QLabel* tile(const QString& period, const QString& what) const { return m_tiles.value(period + QLatin1Char('/') + what); }
    // A key's budget bar (null for a key without a budget) and its caption.
    QProgressBar* budgetBar(const QString& keyId) const;
    QLabel* budgetCaption(const QString& keyId) const;
    QLabel* healthLabel(const QString& providerId) const;

private:
    void refreshStatus();
    void refreshUsage();
    void refreshHealth();

    GatewayController* m_controller;
    OverviewModel* m_model;
    QLabel* m_status;
    QLabel* m_error;
    CopyField* m_url;
    QPushButton* m_startStop;
    QLabel* m_uptime;
    QHash<QString, QLabel*> m_tiles;
    QWidget* m_budgets;
    QGridLayout* m_budgetGrid;
    QStringList m_budgetShape;  // the keys the rows were built for
    QStringList m_healthShape;
    QWidget* m_health;
    QGridLayout* m_healthGrid;
    SnippetTabs* m_snippets;
    QTimer* m_uptimeTimer;
};

}  // namespace ar::gui
