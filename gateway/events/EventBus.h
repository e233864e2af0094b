#pragma once

#include <QObject>
#include <atomic>

#include "events/RequestEvent.h"

namespace ar {

// Fan-out of request events from the proxy threads. Subscribers connect to `event` with a
// context object in their own thread; delivery is queued, so the proxy never waits for them.
// Per-chunk Delta events are produced only while someone asked for them (the live log).
class EventBus : public QObject {
    Q_OBJECT
public:
    static constexpr qsizetype kMaxPayloadBytes = 64 * 1024;

    explicit EventBus(QObject* parent = nullptr);

    void publish(const RequestEvent& event) { Q_EMIT this->event(event); }
    void setDeltasWanted(bool wanted) { m_deltas.store(wanted, std::memory_order_relaxed); }
    bool deltasWanted() const { return m_deltas.load(std::memory_order_relaxed); }

Q_SIGNALS:
    void event(const ar::RequestEvent& event);

private:
    std::atomic<bool> m_deltas{false};
};

}  // namespace ar
