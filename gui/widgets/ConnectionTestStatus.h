#pragma once

#include <QWidget>

#include "providers/ConnectionCheck.h"

class QLabel;
class QProgressBar;

namespace ar::gui {

// Progress and outcome of a "Test connection": a busy bar while it runs, then "Connected … (180 ms)"
// or the provider's own error message.
class ConnectionTestStatus : public QWidget {
    Q_OBJECT
public:
    explicit ConnectionTestStatus(QWidget* parent = nullptr);

    void start(const QString& providerId);
    void finish(const ar::ConnectionCheckResult& result);
    void clear();

    bool running() const { return m_running; }
    QString text() const;
    QProgressBar* progress() const { return m_progress; }

private:
    QProgressBar* m_progress;
    QLabel* m_label;
    bool m_running = false;
};

}  // namespace ar::gui
