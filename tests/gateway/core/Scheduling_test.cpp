// How the gateway's threads ask to share a core: proxy threads a short slice, the ledger's
// writer SCHED_IDLE and its catch-up thread SCHED_BATCH. Checked on the threads themselves, as the kernel reports them.
#include "core/Scheduling.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QThread>
#include <gtest/gtest.h>
#include <sched.h>

#include <thread>

#include "http/HttpServer.h"
#include "usage/Ledger.h"

namespace ar::test {
namespace {

// This process's threads whose name starts with `prefix`.
QList<pid_t> threadsNamed(const QString& prefix) {
    QList<pid_t> out;
    for (const QString& tid : QDir(QStringLiteral("/proc/self/task")).entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile comm(QStringLiteral("/proc/self/task/%1/comm").arg(tid));
        if (comm.open(QIODevice::ReadOnly) && QString::fromUtf8(comm.readAll()).startsWith(prefix))
            out.append(pid_t(tid.toInt()));
    }
    return out;
}

bool kernelTakesCustomSlices() {
    bool taken = false;
    std::thread([&] { taken = scheduling::preferLatency(); }).join();
    return taken;
}

// Runs `prefer` on a thread of its own; the policy the kernel then reports for that thread, or
// -1 when `prefer` says it failed.
int policyAfter(bool (*prefer)()) {
    int policy = -1;
    std::thread([&] {
        if (prefer()) policy = sched_getscheduler(0);
    }).join();
    return policy;
}

TEST(Scheduling, BackgroundWorkRunsAtIdlePriority) { EXPECT_EQ(policyAfter(scheduling::preferIdle), SCHED_IDLE); }

TEST(Scheduling, CatchUpWorkIsBatchAndKeepsItsShare) {
    EXPECT_EQ(policyAfter(scheduling::preferThroughput), SCHED_BATCH);
}

TEST(Scheduling, ProxyThreadsRunWithAShortSlice) {
    HttpServer server({}, 2, [] { return std::unique_ptr<RequestHandler>(); });
    ASSERT_TRUE(server.listen(QHostAddress::LocalHost, 0).ok());
    const QList<pid_t> workers = threadsNamed(QStringLiteral("gateway-worker"));
    ASSERT_EQ(workers.size(), 2);
    const bool custom = kernelTakesCustomSlices();
    for (pid_t tid : workers) {
        EXPECT_EQ(sched_getscheduler(tid), SCHED_OTHER) << "a normal thread: no priority over other programs";
        const auto schedule = scheduling::scheduleOf(tid);
        ASSERT_TRUE(schedule.has_value());
        if (custom) {
            EXPECT_EQ(schedule->sliceNs, scheduling::kProxySliceNs);
        }
    }
    if (!custom) GTEST_LOG_(INFO) << "this kernel has no custom slices (Linux < 6.12): only the policy is checked";
}

// The policy of this process's one thread named `name`, once it has set itself up (on its own
// thread); -1 when there is not exactly one.
int policyOfThread(const QString& name, int expected) {
    int policy = -1;
    for (int i = 0; i < 200 && policy != expected; ++i) {
        if (i) QThread::msleep(10);
        const QList<pid_t> threads = threadsNamed(name);
        policy = threads.size() == 1 ? sched_getscheduler(threads.first()) : -1;
    }
    return policy;
}

TEST(Scheduling, TheLedgerWriterRunsAtIdlePriorityAndItsCatchUpThreadIsBatch) {
    QTemporaryDir dir;
    Ledger ledger(dir.path());
    ASSERT_TRUE(ledger.open().ok());
    EXPECT_EQ(policyOfThread(QStringLiteral("ledger-writer"), SCHED_IDLE), SCHED_IDLE);
    EXPECT_EQ(policyOfThread(QStringLiteral("ledger-catchup"), SCHED_BATCH), SCHED_BATCH);
}

}  // namespace
}  // namespace ar::test
