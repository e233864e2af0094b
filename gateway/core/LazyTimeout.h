#pragma once

#include <QBasicTimer>
#include <QObject>
#include <QTimerEvent>
#include <chrono>
#include <functional>

namespace ar {

// A single-shot timeout that is cheap to re-arm. Connections re-arm theirs several times per
// request (request, response, idle); registering a Qt timer each time cost about 5% of the
// proxy's instructions. Here start() and stop() only move a deadline: the Qt timer is
// registered again only when the new deadline is earlier than the one it will fire at, and
// when it fires early it re-arms itself for the rest. Deadlines stay exact to the millisecond.
class LazyTimeout : public QObject {
public:
    explicit LazyTimeout(std::function<void()> onTimeout, QObject* parent = nullptr)
        : QObject(parent), m_onTimeout(std::move(onTimeout)) {}

    void start(int ms) {
        m_deadline = now() + ms;
        if (m_timer.isActive() && m_firesAt <= m_deadline) return;  // it fires first and re-arms
        arm(ms);
    }
    void stop() { m_deadline = kNone; }  // the Qt timer, if any, finds nothing to do
    bool isActive() const { return m_deadline != kNone; }

protected:
    void timerEvent(QTimerEvent* event) override {
        if (event->timerId() != m_timer.timerId()) return QObject::timerEvent(event);
        m_timer.stop();
        if (m_deadline == kNone) return;
        const qint64 left = m_deadline - now();
        if (left > 0) {
            arm(int(left));
            return;
        }
        m_deadline = kNone;
        m_onTimeout();  // may delete this
    }

private:
    static constexpr qint64 kNone = -1;
    static qint64 now() {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now().time_since_epoch())
            .count();
    }
    void arm(int ms) {
        m_firesAt = now() + ms;
        m_timer.start(ms, Qt::PreciseTimer, this);
    }

    std::function<void()> m_onTimeout;
    QBasicTimer m_timer;
    qint64 m_deadline = kNone;
    qint64 m_firesAt = 0;
};

}  // namespace ar
