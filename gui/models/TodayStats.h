#pragma once

#include <QDate>
#include <QObject>
#include <functional>

#include "events/RequestEvent.h"

namespace ar {
class EventBus;
}

namespace ar::gui {

// Requests, errors and tokens finished today (local time), counted from gateway events so
// the Overview shows them without touching the ledger.
class TodayStats : public QObject {
    Q_OBJECT
public:
    using Clock = std::function<QDateTime()>;

    explicit TodayStats(QObject* parent = nullptr);
    void attach(EventBus* bus);
    void setClock(Clock clock) { m_clock = std::move(clock); }

    void record(const RequestEvent& event);
    qint64 requests() const;
    qint64 errors() const;
    qint64 promptTokens() const;
    qint64 completionTokens() const;

Q_SIGNALS:
    void changed();

private:
    void rollOver() const;
    QDateTime now() const { return m_clock ? m_clock() : QDateTime::currentDateTime(); }

    Clock m_clock;
    mutable QDate m_day;
    mutable qint64 m_requests = 0, m_errors = 0, m_prompt = 0, m_completion = 0;
};

}  // namespace ar::gui
