// How the gateway's threads ask to share a core: proxy threads a short slice, the ledger's
// writer SCHED_BATCH. Checked on the threads themselves, as the kernel reports them.
#include "core/Scheduling.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QThread>
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <thread>

#include "http/HttpServer.h"
#include "usage/Ledger.h"

namespace ar::test {
namespace {

struct Attr {  // the kernel's struct sched_attr
    uint32_t size, policy;
    uint64_t flags;
    int32_t nice;
    uint32_t priority;
    uint64_t runtime, deadline, period;
};

Attr attrOf(pid_t tid) {
    Attr a{};
    EXPECT_EQ(syscall(SYS_sched_getattr, tid, &a, sizeof a, 0), 0);
    return a;
}

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

TEST(Scheduling, BackgroundWorkIsBatchAndKeepsItsShare) {
    int policy = -1;
    std::thread([&] {
        EXPECT_TRUE(scheduling::preferThroughput());
        policy = sched_getscheduler(0);
    }).join();
    EXPECT_EQ(policy, SCHED_BATCH);
}

TEST(Scheduling, ProxyThreadsRunWithAShortSlice) {
    HttpServer server({}, 2, [] { return std::unique_ptr<RequestHandler>(); });
    ASSERT_TRUE(server.listen(QHostAddress::LocalHost, 0).ok());
    const QList<pid_t> workers = threadsNamed(QStringLiteral("gateway-worker"));
    ASSERT_EQ(workers.size(), 2);
    const bool custom = kernelTakesCustomSlices();
    for (pid_t tid : workers) {
        const Attr a = attrOf(tid);
        EXPECT_EQ(a.policy, uint32_t(SCHED_OTHER)) << "a normal thread: no priority over other programs";
        if (custom) EXPECT_EQ(a.runtime, scheduling::kProxySliceNs);
    }
    if (!custom) GTEST_LOG_(INFO) << "this kernel has no custom slices (Linux < 6.12): only the policy is checked";
}

TEST(Scheduling, TheLedgerWriterIsBatch) {
    QTemporaryDir dir;
    Ledger ledger(dir.path());
    ASSERT_TRUE(ledger.open().ok());
    QList<pid_t> writers;
    for (int i = 0; i < 200 && writers.isEmpty(); ++i) {  // it sets itself up on its own thread
        writers = threadsNamed(QStringLiteral("ledger-writer"));
        if (!writers.isEmpty() && attrOf(writers.first()).policy != uint32_t(SCHED_BATCH)) writers.clear();
        if (writers.isEmpty()) QThread::msleep(10);
    }
    ASSERT_EQ(writers.size(), 1);
    EXPECT_EQ(attrOf(writers.first()).policy, uint32_t(SCHED_BATCH));
}

}  // namespace
}  // namespace ar::test
