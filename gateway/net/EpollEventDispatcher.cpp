#include "net/EpollEventDispatcher.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QTimerEvent>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace ar {

namespace {

constexpr qint64 kNsPerMs = 1'000'000;
constexpr int kMaxEvents = EpollEventDispatcher::kMaxEvents;

constexpr qint64 kNsPerSecond = 1'000'000'000;

qint64 toNs(const timespec& ts) { return qint64(ts.tv_sec) * kNsPerSecond + ts.tv_nsec; }

qint64 nowNs() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return toNs(ts);
}

// Which notifier types an epoll event activates: as Qt's poll() dispatcher does, a hang-up or
// an error wakes every notifier of the fd, so its owner reads the error.
constexpr quint32 kActivates[3] = {EPOLLIN | EPOLLHUP | EPOLLERR, EPOLLOUT | EPOLLHUP | EPOLLERR,
                                   EPOLLPRI | EPOLLHUP | EPOLLERR};
constexpr quint32 kInterest[3] = {EPOLLIN, EPOLLOUT, EPOLLPRI};

int waitFor(int epoll, epoll_event* events, const timespec* timeout) {
    // Kernels before 5.11 lack it: then milliseconds, rounded up. (Shared by the proxy threads.)
    static std::atomic<bool> havePwait2{true};
    if (havePwait2.load(std::memory_order_relaxed)) {
        const int n = epoll_pwait2(epoll, events, kMaxEvents, timeout, nullptr);
        if (n >= 0 || errno != ENOSYS) return n;
        havePwait2.store(false, std::memory_order_relaxed);
    }
    const int ms = !timeout ? -1 : int((toNs(*timeout) + kNsPerMs - 1) / kNsPerMs);
    return epoll_wait(epoll, events, kMaxEvents, ms);
}

}  // namespace

EpollEventDispatcher::EpollEventDispatcher(QObject* parent)
    : QAbstractEventDispatcher(parent),
      m_epoll(epoll_create1(EPOLL_CLOEXEC)),
      m_wakeFd(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
    if (!isValid()) return;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = m_wakeFd;
    if (epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wakeFd, &ev) != 0) {
        ::close(m_wakeFd);
        m_wakeFd = -1;
    }
}

EpollEventDispatcher::~EpollEventDispatcher() {
    if (m_wakeFd >= 0) ::close(m_wakeFd);
    if (m_epoll >= 0) ::close(m_epoll);
}

bool EpollEventDispatcher::processEvents(QEventLoop::ProcessEventsFlags flags) {
    m_interrupt.store(false, std::memory_order_relaxed);
    Q_EMIT awake();
    takeWakeUps();
    QCoreApplication::sendPostedEvents();
    if (m_interrupt.load(std::memory_order_relaxed)) return false;

    const bool withTimers = !(flags & QEventLoop::X11ExcludeTimers);
    const bool withNotifiers = !(flags & QEventLoop::ExcludeSocketNotifiers);
    // A wake-up pending means events were posted while the ones before ran: do not block.
    const bool canWait = (flags & QEventLoop::WaitForMoreEvents) && !m_wakePending.load(std::memory_order_acquire);
    if (canWait) Q_EMIT aboutToBlock();
    if (m_interrupt.load(std::memory_order_relaxed)) return false;

    timespec wait{0, 0};
    const timespec* timeout = &wait;
    if (canWait) {
        const qint64 due = withTimers ? nextDeadlineNs() : -1;
        if (due < 0) {
            timeout = nullptr;
        } else {
            const qint64 left = qMax<qint64>(0, due - nowNs());
            wait.tv_sec = time_t(left / kNsPerSecond);
            wait.tv_nsec = long(left % kNsPerSecond);
        }
    }
    syncInterest();
    epoll_event events[kMaxEvents];
    int n = waitFor(m_epoll, events, timeout);
    if (n < 0) {
        if (errno != EINTR) qWarning("EpollEventDispatcher: epoll_pwait2: %s", std::strerror(errno));
        n = 0;
    }
    int handled = 0;
    if (withNotifiers) handled += activateNotifiers(events, n);
    else {
        for (int i = 0; i < n; ++i) {
            if (events[i].data.fd == m_wakeFd) consumeWakeFd();
        }
    }
    if (withTimers) handled += activateTimers();
    return handled > 0;
}

void EpollEventDispatcher::takeWakeUps() {
    // Cleared before the posted events are sent: a post after this point writes the eventfd
    // again, so it is never left waiting while the loop blocks. (If the write that set the flag
    // has not landed yet, the read finds nothing and the wait reports the eventfd instead.)
    if (m_wakePending.exchange(false, std::memory_order_acq_rel)) consumeWakeFd();
}

void EpollEventDispatcher::consumeWakeFd() {
    quint64 count;
    while (::read(m_wakeFd, &count, sizeof count) < 0 && errno == EINTR) {
    }
}

void EpollEventDispatcher::registerSocketNotifier(QSocketNotifier* notifier) {
    const int fd = int(notifier->socket());
    const int type = int(notifier->type());
    Watched& w = m_watched[fd];
    if (w.notifiers[type] && w.notifiers[type] != notifier)
        qWarning("EpollEventDispatcher: a second notifier of one type for fd %d replaces the first", fd);
    w.notifiers[type] = notifier;
    if (!w.dirty) {
        w.dirty = true;
        m_dirty.append(fd);
    }
}

void EpollEventDispatcher::unregisterSocketNotifier(QSocketNotifier* notifier) {
    const int fd = int(notifier->socket());
    const int type = int(notifier->type());
    // Not activated later in the turn under way (nor in any turn it is nested in).
    for (auto* due : m_dueLists) {
        for (QSocketNotifier*& n : *due) {
            if (n == notifier) n = nullptr;
        }
    }
    auto it = m_watched.find(fd);
    if (it == m_watched.end() || it->notifiers[type] != notifier) return;
    it->notifiers[type] = nullptr;
    if (!it->notifiers[0] && !it->notifiers[1] && !it->notifiers[2]) {
        // Out of the set at once: the fd is usually about to be closed, and its number may come
        // back as another socket before the next sync.
        if (it->inEpoll) epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr);  // gone already if closed
        m_watched.erase(it);
        return;
    }
    if (!it->dirty) {
        it->dirty = true;
        m_dirty.append(fd);
    }
}

void EpollEventDispatcher::syncInterest() {
    for (int fd : m_dirty) {
        auto it = m_watched.find(fd);
        if (it == m_watched.end() || !it->dirty) continue;  // removed, or seen twice
        it->dirty = false;
        quint32 want = 0;
        for (int type = 0; type < 3; ++type) {
            if (it->notifiers[type]) want |= kInterest[type];
        }
        if (it->inEpoll && want == it->registered) continue;
        epoll_event ev{};
        ev.events = want;
        ev.data.fd = fd;
        int op = it->inEpoll ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
        int rc = epoll_ctl(m_epoll, op, fd, &ev);
        if (rc != 0 && op == EPOLL_CTL_MOD && errno == ENOENT) rc = epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &ev);
        else if (rc != 0 && op == EPOLL_CTL_ADD && errno == EEXIST) rc = epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &ev);
        if (rc != 0) {
            qWarning("EpollEventDispatcher: cannot watch fd %d: %s", fd, std::strerror(errno));
            continue;
        }
        it->registered = want;
        it->inEpoll = true;
    }
    m_dirty.clear();
}

int EpollEventDispatcher::activateNotifiers(const epoll_event* events, int count) {
    QVarLengthArray<QSocketNotifier*, kMaxEvents> due;
    for (int i = 0; i < count; ++i) {
        const int fd = events[i].data.fd;
        if (fd == m_wakeFd) {
            consumeWakeFd();  // the posted events go out at the start of the next turn
            continue;
        }
        const auto it = m_watched.constFind(fd);
        if (it == m_watched.cend()) continue;
        for (int type = 0; type < 3; ++type) {
            if (it->notifiers[type] && (events[i].events & kActivates[type])) due.append(it->notifiers[type]);
        }
    }
    if (due.isEmpty()) return 0;
    m_dueLists.append(&due);
    int activated = 0;
    for (qsizetype i = 0; i < due.size(); ++i) {
        QSocketNotifier* notifier = due[i];
        if (!notifier) continue;  // unregistered by an earlier one's handler
        due[i] = nullptr;
        QEvent event(QEvent::SockAct);
        QCoreApplication::sendEvent(notifier, &event);
        ++activated;
    }
    m_dueLists.removeLast();
    return activated;
}

void EpollEventDispatcher::registerTimer(int timerId, qint64 interval, Qt::TimerType timerType, QObject* object) {
    const qint64 deadline = nowNs() + interval * kNsPerMs;
    m_timers.push_back(Timer{timerId, interval, timerType, object, deadline});
    if (!m_earliestDirty && (m_earliestNs < 0 || deadline < m_earliestNs)) m_earliestNs = deadline;
}

EpollEventDispatcher::Timer* EpollEventDispatcher::findTimer(int timerId) {
    for (Timer& t : m_timers) {
        if (t.id == timerId) return &t;
    }
    return nullptr;
}

bool EpollEventDispatcher::unregisterTimer(int timerId) {
    Timer* t = findTimer(timerId);
    if (!t) return false;
    if (t->deadlineNs <= m_earliestNs) m_earliestDirty = true;
    *t = m_timers.back();  // order does not matter: timers are found by id
    m_timers.pop_back();
    return true;
}

bool EpollEventDispatcher::unregisterTimers(QObject* object) {
    const size_t before = m_timers.size();
    std::erase_if(m_timers, [object](const Timer& t) { return t.object == object; });
    if (m_timers.size() == before) return false;
    m_earliestDirty = true;
    return true;
}

QList<QAbstractEventDispatcher::TimerInfo> EpollEventDispatcher::registeredTimers(QObject* object) const {
    QList<TimerInfo> list;
    for (const Timer& t : m_timers) {
        if (t.object == object) list.append(TimerInfo(t.id, int(t.intervalMs), t.type));
    }
    return list;
}

int EpollEventDispatcher::remainingTime(int timerId) {
    const Timer* t = findTimer(timerId);
    return t ? int(qMax<qint64>(0, (t->deadlineNs - nowNs() + kNsPerMs - 1) / kNsPerMs)) : -1;
}

qint64 EpollEventDispatcher::nextDeadlineNs() {
    if (m_earliestDirty) {
        m_earliestDirty = false;
        m_earliestNs = -1;
        for (const Timer& t : m_timers) {
            if (!t.firing && (m_earliestNs < 0 || t.deadlineNs < m_earliestNs)) m_earliestNs = t.deadlineNs;
        }
    }
    return m_earliestNs;
}

int EpollEventDispatcher::activateTimers() {
    const qint64 earliest = nextDeadlineNs();
    if (earliest < 0) return 0;
    const qint64 now = nowNs();
    if (earliest > now) return 0;
    QVarLengthArray<int, 16> due;
    for (const Timer& t : m_timers) {
        if (!t.firing && t.deadlineNs <= now) due.append(t.id);
    }
    int fired = 0;
    for (int id : due) {
        Timer* t = findTimer(id);
        // Killed by an earlier handler, or killed and its id given to a new timer not yet due.
        if (!t || t->firing || t->deadlineNs > now) continue;
        // The next one an interval later; after a stall, an interval from now (not a burst).
        const qint64 step = t->intervalMs * kNsPerMs;
        t->deadlineNs = t->deadlineNs + step > now ? t->deadlineNs + step : now + step;
        t->firing = true;
        m_earliestDirty = true;
        QTimerEvent event(id);
        QCoreApplication::sendEvent(t->object, &event);
        if (Timer* again = findTimer(id)) again->firing = false;  // unless killed meanwhile
        m_earliestDirty = true;
        ++fired;
    }
    return fired;
}

void EpollEventDispatcher::wakeUp() {
    if (m_wakePending.exchange(true, std::memory_order_acq_rel)) return;  // one write per batch
    const quint64 one = 1;
    while (::write(m_wakeFd, &one, sizeof one) < 0 && errno == EINTR) {
    }
}

void EpollEventDispatcher::interrupt() {
    m_interrupt.store(true, std::memory_order_relaxed);
    wakeUp();
}

}  // namespace ar
