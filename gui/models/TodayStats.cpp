#include "models/TodayStats.h"

#include "events/EventBus.h"

namespace ar::gui {

TodayStats::TodayStats(QObject* parent) : QObject(parent) {}

void TodayStats::attach(EventBus* bus) {
    connect(bus, &EventBus::event, this, &TodayStats::record);
}

void TodayStats::rollOver() const {
    const QDate today = now().toLocalTime().date();
    if (today == m_day) return;
    m_day = today;
    m_requests = m_errors = m_prompt = m_completion = 0;
}

void TodayStats::record(const RequestEvent& e) {
    if (e.kind != RequestEvent::Kind::Finished) return;
    rollOver();
    ++m_requests;
    if (e.status >= 400) ++m_errors;
    m_prompt += qMax<qint64>(0, e.usage.promptTokens);
    m_completion += qMax<qint64>(0, e.usage.completionTokens);
    Q_EMIT changed();
}

qint64 TodayStats::requests() const { rollOver(); return m_requests; }
qint64 TodayStats::errors() const { rollOver(); return m_errors; }
qint64 TodayStats::promptTokens() const { rollOver(); return m_prompt; }
qint64 TodayStats::completionTokens() const { rollOver(); return m_completion; }

}  // namespace ar::gui
