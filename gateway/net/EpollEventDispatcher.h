#pragma once

#include <QAbstractEventDispatcher>
#include <QHash>
#include <QVarLengthArray>
#include <atomic>
#include <vector>

struct epoll_event;

namespace ar {

// The proxy threads' event loop on Linux: epoll instead of Qt's poll()-based dispatchers.
//
// poll() hands the kernel every watched socket on every call: at one connection perf showed
// ~15 us a request in fdget/sock_poll/tcp_poll and wait-queue setup and teardown, about a fifth
// of the proxy thread's time per request (nginx, on epoll, pays none of it). Here sockets stay
// registered in one epoll set; a wait costs the same however many connections are open.
//
// Interest changes are applied just before the next wait, so a notifier enabled and disabled
// again within one turn of the loop costs no system call. Timers are kept in a list with their
// earliest deadline cached; a turn with nothing due does not look at them. Posted events wake
// the loop through an eventfd written once per batch of wake-ups.
class EpollEventDispatcher : public QAbstractEventDispatcher {
    Q_OBJECT
public:
    static constexpr int kMaxEvents = 64;  // epoll events taken per wait

    explicit EpollEventDispatcher(QObject* parent = nullptr);
    ~EpollEventDispatcher() override;

    // False when the kernel refused an epoll set or an eventfd: use Qt's dispatcher instead.
    bool isValid() const { return m_epoll >= 0 && m_wakeFd >= 0; }

    bool processEvents(QEventLoop::ProcessEventsFlags flags) override;
    void registerSocketNotifier(QSocketNotifier* notifier) override;
    void unregisterSocketNotifier(QSocketNotifier* notifier) override;
    void registerTimer(int timerId, qint64 interval, Qt::TimerType timerType, QObject* object) override;
    bool unregisterTimer(int timerId) override;
    bool unregisterTimers(QObject* object) override;
    QList<TimerInfo> registeredTimers(QObject* object) const override;
    int remainingTime(int timerId) override;
    void wakeUp() override;
    void interrupt() override;

private:
    struct Watched {
        QSocketNotifier* notifiers[3] = {};  // by QSocketNotifier::Type: Read, Write, Exception
        quint32 registered = 0;  // the events the epoll set has for this fd
        bool inEpoll = false;
        bool dirty = false;  // on m_dirty: the notifiers changed since the last sync
    };
    struct Timer {
        int id;
        qint64 intervalMs;
        Qt::TimerType type;
        QObject* object;
        qint64 deadlineNs;
        bool firing = false;  // in its timerEvent(): not fired again from a nested loop
    };

    Timer* findTimer(int timerId);
    void syncInterest();
    int activateNotifiers(const ::epoll_event* events, int count);
    int activateTimers();
    qint64 nextDeadlineNs();  // of the timers not firing; -1 for none
    void takeWakeUps();  // at the start of a turn
    void consumeWakeFd();

    int m_epoll = -1;
    int m_wakeFd = -1;
    std::atomic<bool> m_wakePending{false};
    std::atomic<bool> m_interrupt{false};
    QHash<int, Watched> m_watched;
    QVarLengthArray<int, 32> m_dirty;
    // The notifiers due in the turns under way (more than one when a handler runs a nested
    // loop); an unregistered one is nulled there, never activated.
    QVarLengthArray<QVarLengthArray<QSocketNotifier*, kMaxEvents>*, 4> m_dueLists;
    std::vector<Timer> m_timers;
    qint64 m_earliestNs = -1;  // cached nextDeadlineNs(); m_earliestDirty: recompute it
    bool m_earliestDirty = false;
};

}  // namespace ar
