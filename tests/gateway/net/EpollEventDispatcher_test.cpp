#include "net/EpollEventDispatcher.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QMutex>
#include <QPointer>
#include <QSemaphore>
#include <QSocketNotifier>
#include <QThread>
#include <QTimer>
#include <functional>
#include <future>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

namespace ar {
namespace {

// A thread running its event loop on the epoll dispatcher, as the proxy threads do.
struct EpollThread {
    QThread thread;
    QObject context;

    EpollThread() {
        thread.setEventDispatcher(new EpollEventDispatcher);
        thread.start();
        context.moveToThread(&thread);
    }
    ~EpollThread() {
        // What the test left on the thread goes with it, then the thread.
        run([this] { qDeleteAll(context.children()); });
        thread.quit();
        thread.wait();
    }
    // Runs `f` on the thread; false if it did not run within 10 s (a loop that never woke).
    bool run(std::function<void()> f) {
        QSemaphore done;
        QMetaObject::invokeMethod(&context, [&] {
            f();
            done.release();
        });
        return done.tryAcquire(1, 10000);
    }
};

struct SocketPair {
    int fd[2] = {-1, -1};
    SocketPair() { socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fd); }
    ~SocketPair() {
        for (int f : fd) {
            if (f >= 0) ::close(f);
        }
    }
    void send(const char* text) const { ASSERT_GT(::write(fd[1], text, strlen(text)), 0); }
};

QByteArray drain(int fd) {
    char buf[256];
    QByteArray out;
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, n);
    return out;
}

TEST(EpollEventDispatcher, TheThreadRunsOnIt) {
    EpollThread t;
    bool isEpoll = false;
    ASSERT_TRUE(t.run([&] { isEpoll = qobject_cast<EpollEventDispatcher*>(QThread::currentThread()->eventDispatcher()); }));
    EXPECT_TRUE(isEpoll);
}

TEST(EpollEventDispatcher, EventsPostedFromAnotherThreadWakeItAndRunInOrder) {
    EpollThread t;
    QList<int> seen;
    for (int i = 0; i < 1000; ++i) {
        QMetaObject::invokeMethod(&t.context, [&seen, i] { seen.append(i); });
        if (i % 100 == 0) QThread::usleep(200);  // some while it sleeps, some while it runs
    }
    QList<int> got;
    ASSERT_TRUE(t.run([&] { got = seen; }));
    ASSERT_EQ(got.size(), 1000);
    for (int i = 0; i < 1000; ++i) EXPECT_EQ(got[i], i);
}

TEST(EpollEventDispatcher, TimersFireInDeadlineOrderNeverEarlyAndStopWhenKilled) {
    EpollThread t;
    QMutex mutex;
    QList<int> order;
    QList<qint64> elapsed;
    int repeats = 0;
    QSemaphore finished;
    QElapsedTimer clock;
    ASSERT_TRUE(t.run([&] {
        clock.start();
        for (int ms : {30, 10, 20}) {
            QTimer::singleShot(ms, Qt::PreciseTimer, &t.context, [&, ms] {
                QMutexLocker lock(&mutex);
                order.append(ms);
                elapsed.append(clock.elapsed());
            });
        }
        auto* repeating = new QTimer(&t.context);
        repeating->setInterval(5);
        QObject::connect(repeating, &QTimer::timeout, &t.context, [&, repeating] {
            if (++repeats == 3) {
                repeating->stop();  // killed from its own timeout
                repeating->deleteLater();
                // Well after it would have fired again: then the count is read.
                QTimer::singleShot(50, &t.context, [&] { finished.release(); });
            }
        });
        repeating->start();
    }));
    ASSERT_TRUE(finished.tryAcquire(1, 10000));
    QMutexLocker lock(&mutex);
    EXPECT_EQ(order, (QList<int>{10, 20, 30}));
    ASSERT_EQ(elapsed.size(), 3);
    EXPECT_GE(elapsed[0], 10);
    EXPECT_GE(elapsed[1], 20);
    EXPECT_GE(elapsed[2], 30);
    EXPECT_EQ(repeats, 3);
}

TEST(EpollEventDispatcher, AReadNotifierFiresWhileDataWaitsAndNotWhileDisabled) {
    EpollThread t;
    SocketPair pair;
    QSocketNotifier* notifier = nullptr;
    QAtomicInt fired = 0;
    QByteArray received;
    QSemaphore readOnce;
    ASSERT_TRUE(t.run([&] {
        notifier = new QSocketNotifier(pair.fd[0], QSocketNotifier::Read, &t.context);
        QObject::connect(notifier, &QSocketNotifier::activated, &t.context, [&](QSocketDescriptor fd) {
            EXPECT_EQ(int(fd), pair.fd[0]);
            fired.fetchAndAddRelaxed(1);
            received += drain(pair.fd[0]);
            readOnce.release();
        });
    }));
    pair.send("one");
    ASSERT_TRUE(readOnce.tryAcquire(1, 10000));
    EXPECT_EQ(received, "one");

    // Disabled: data waits unannounced; enabled again, it is announced (level-triggered).
    ASSERT_TRUE(t.run([&] { notifier->setEnabled(false); }));
    pair.send("two");
    int firedWhileDisabled = -1;
    ASSERT_TRUE(t.run([&] { firedWhileDisabled = fired.loadRelaxed(); }));
    ASSERT_TRUE(t.run([&] {}));  // a few more turns of the loop
    EXPECT_EQ(fired.loadRelaxed(), firedWhileDisabled);
    EXPECT_EQ(firedWhileDisabled, 1);
    ASSERT_TRUE(t.run([&] { notifier->setEnabled(true); }));
    ASSERT_TRUE(readOnce.tryAcquire(1, 10000));
    EXPECT_EQ(received, "onetwo");
    ASSERT_TRUE(t.run([&] { delete notifier; }));
}

TEST(EpollEventDispatcher, AWriteNotifierFiresWhenWritableAndStopsWhenDisabled) {
    EpollThread t;
    SocketPair pair;
    int fired = 0;
    QSemaphore done;
    ASSERT_TRUE(t.run([&] {
        auto* notifier = new QSocketNotifier(pair.fd[0], QSocketNotifier::Write, &t.context);
        QObject::connect(notifier, &QSocketNotifier::activated, &t.context, [&, notifier] {
            ++fired;
            notifier->setEnabled(false);  // as a stream does once its buffer is out
            QTimer::singleShot(30, &t.context, [&] { done.release(); });
        });
    }));
    ASSERT_TRUE(done.tryAcquire(1, 10000));
    int count = 0;
    ASSERT_TRUE(t.run([&] { count = fired; }));
    EXPECT_EQ(count, 1);
}

// Two sockets ready in the same turn; whichever handler runs first deletes the other's
// notifier, which must then not be activated (it would be a deleted object).
TEST(EpollEventDispatcher, ANotifierDeletedByAnEarlierHandlerInTheSameTurnIsNotActivated) {
    EpollThread t;
    SocketPair a, b;
    a.send("x");
    b.send("y");
    QAtomicInt activations = 0;
    ASSERT_TRUE(t.run([&] {
        auto* na = new QSocketNotifier(a.fd[0], QSocketNotifier::Read, &t.context);
        auto* nb = new QSocketNotifier(b.fd[0], QSocketNotifier::Read, &t.context);
        auto onActivated = [&](QSocketNotifier* self, QSocketNotifier* other) {
            activations.fetchAndAddRelaxed(1);
            delete other;
            self->setEnabled(false);
        };
        QObject::connect(na, &QSocketNotifier::activated, &t.context, [=] { onActivated(na, nb); });
        QObject::connect(nb, &QSocketNotifier::activated, &t.context, [=] { onActivated(nb, na); });
    }));  // both are registered in this turn and reported together by the next wait
    ASSERT_TRUE(t.run([] {}));
    ASSERT_TRUE(t.run([] {}));
    EXPECT_EQ(activations.loadRelaxed(), 1);
}

// A socket closed and its number reused by a new one within one turn of the loop: the new
// socket is watched (the kernel dropped the old one from the epoll set when it closed).
TEST(EpollEventDispatcher, AnFdNumberReusedWithinATurnIsWatchedAgain) {
    EpollThread t;
    SocketPair first, second;
    const int number = first.fd[0];
    QAtomicInt fired = 0;
    QSemaphore readable;
    QSocketNotifier* old = nullptr;
    ASSERT_TRUE(t.run([&] { old = new QSocketNotifier(number, QSocketNotifier::Read, &t.context); }));
    ASSERT_TRUE(t.run([] {}));  // a wait has watched it
    ASSERT_TRUE(t.run([&] {
        delete old;
        ::close(number);
        ASSERT_EQ(::dup2(second.fd[0], number), number);  // the same number, another socket
        auto* fresh = new QSocketNotifier(number, QSocketNotifier::Read, &t.context);
        QObject::connect(fresh, &QSocketNotifier::activated, &t.context, [&, fresh] {
            fired.fetchAndAddRelaxed(1);
            drain(number);
            fresh->setEnabled(false);
            readable.release();
        });
    }));
    second.send("z");
    EXPECT_TRUE(readable.tryAcquire(1, 10000));
    EXPECT_EQ(fired.loadRelaxed(), 1);
}

TEST(EpollEventDispatcher, ANestedLoopInAHandlerRunsAndTheOuterOneGoesOn) {
    EpollThread t;
    SocketPair pair;
    QStringList steps;
    QSemaphore done;
    ASSERT_TRUE(t.run([&] {
        auto* notifier = new QSocketNotifier(pair.fd[0], QSocketNotifier::Read, &t.context);
        QObject::connect(notifier, &QSocketNotifier::activated, &t.context, [&, notifier] {
            notifier->setEnabled(false);
            drain(pair.fd[0]);
            steps << "handler";
            QEventLoop nested;
            QTimer::singleShot(5, &nested, [&] {
                steps << "nested timer";
                nested.quit();
            });
            nested.exec();
            steps << "after nested";
            QTimer::singleShot(0, &t.context, [&] {
                steps << "outer";
                done.release();
            });
        });
    }));
    pair.send("go");
    ASSERT_TRUE(done.tryAcquire(1, 10000));
    EXPECT_EQ(steps, (QStringList{"handler", "nested timer", "after nested", "outer"}));
}

TEST(EpollEventDispatcher, DeleteLaterAndQuitWork) {
    auto t = std::make_unique<EpollThread>();
    QPointer<QObject> doomed;
    ASSERT_TRUE(t->run([&] {
        doomed = new QObject;
        doomed->deleteLater();
    }));
    ASSERT_TRUE(t->run([] {}));
    EXPECT_TRUE(doomed.isNull());
    // quit() interrupts a loop blocked with nothing to wait for.
    auto quitting = std::async(std::launch::async, [&] { t.reset(); });
    EXPECT_EQ(quitting.wait_for(std::chrono::seconds(10)), std::future_status::ready);
}

// moveToThread() carries a running timer over: registeredTimers() and registerTimer() from
// Qt's dispatcher to this one, and back.
class Ticker : public QObject {
public:
    QAtomicInt ticks = 0;
    QSemaphore ticked;
    void start() { startTimer(5); }

protected:
    void timerEvent(QTimerEvent*) override {
        ticks.fetchAndAddRelaxed(1);
        ticked.release();
    }
};

TEST(EpollEventDispatcher, ATimerMovedToTheThreadAndBackKeepsTicking) {
    EpollThread t;
    Ticker ticker;
    ticker.start();  // on the test's thread (Qt's dispatcher)
    ticker.moveToThread(&t.thread);
    ASSERT_TRUE(ticker.ticked.tryAcquire(3, 10000));  // ticking on the epoll thread
    QList<QAbstractEventDispatcher::TimerInfo> timers;
    ASSERT_TRUE(t.run([&] { timers = QThread::currentThread()->eventDispatcher()->registeredTimers(&ticker); }));
    ASSERT_EQ(timers.size(), 1);
    EXPECT_EQ(timers.first().interval, 5);
    ASSERT_TRUE(t.run([&] { ticker.moveToThread(QCoreApplication::instance()->thread()); }));
    const int before = ticker.ticks.loadRelaxed();
    QElapsedTimer waited;
    waited.start();
    while (ticker.ticks.loadRelaxed() < before + 2 && waited.elapsed() < 10000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
    EXPECT_GE(ticker.ticks.loadRelaxed(), before + 2);
}

}  // namespace
}  // namespace ar
