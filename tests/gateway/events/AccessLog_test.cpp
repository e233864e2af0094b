#include "events/AccessLog.h"

#include <QIODevice>
#include <QMutex>
#include <QSemaphore>
#include <QThread>
#include <future>
#include <gtest/gtest.h>

#include "events/EventBus.h"
#include "support/WaitUntil.h"

namespace ar {
namespace {

using test::waitUntil;

TEST(AccessLog, OneConciseLineWithKeyIdOnly) {
    RequestEvent e;
    e.kind = RequestEvent::Kind::Finished;
    e.timestampMs = 1790000000000;
    e.method = "POST";
    e.path = "/v1/chat/completions";
    e.keyId = "abc123";
    e.model = "gpt-4o-mini";
    e.provider = "openai";
    e.stream = true;
    e.status = 200;
    e.latencyMs = 840;
    e.ttfbMs = 120;
    e.usage.promptTokens = 21;
    e.usage.completionTokens = 3;
    e.payload = "{\"messages\":\"secret prompt\"}";
    const QByteArray line = AccessLog::formatLine(e);
    EXPECT_EQ(line,
              "2026-09-21T14:13:20.000Z 200 POST /v1/chat/completions key=abc123 model=gpt-4o-mini "
              "provider=openai stream=1 ms=840 ttfb_ms=120 tokens=21/3\n");
    EXPECT_FALSE(line.contains("secret prompt"));
}

TEST(AccessLog, MillisecondsAndSecondsStayExactAcrossLines) {
    RequestEvent e;
    e.method = "GET";
    e.path = "/v1/models";
    e.status = 200;
    const std::pair<qint64, const char*> cases[] = {{1790000000007, "2026-09-21T14:13:20.007Z "},
                                                    {1790000000999, "2026-09-21T14:13:20.999Z "},
                                                    {1790000001000, "2026-09-21T14:13:21.000Z "},
                                                    {1790000000050, "2026-09-21T14:13:20.050Z "}};
    for (const auto& [ms, prefix] : cases) {
        e.timestampMs = ms;
        EXPECT_TRUE(AccessLog::formatLine(e).startsWith(prefix)) << AccessLog::formatLine(e).constData();
    }
}

TEST(AccessLog, ErrorsShowTheirCode) {
    RequestEvent e;
    e.timestampMs = 0;
    e.method = "POST";
    e.path = "/v1/chat/completions";
    e.status = 401;
    e.latencyMs = 0;
    e.errorCode = "invalid_api_key";
    const QByteArray line = AccessLog::formatLine(e);
    EXPECT_TRUE(line.contains(" 401 ")) << line.constData();
    EXPECT_TRUE(line.contains("key=- ")) << line.constData();
    EXPECT_TRUE(line.endsWith("error=invalid_api_key\n")) << line.constData();
}

// An output that can be stopped, like stderr piped to a reader that stopped reading; it notes
// which thread wrote each batch.
class StoppableOutput : public QIODevice {
public:
    StoppableOutput() { open(QIODevice::WriteOnly | QIODevice::Unbuffered); }
    void stop() { m_stopped = true; }
    void resume() {
        m_stopped = false;
        m_resume.release(1000);
    }
    bool waitForStalledWrite() { return m_entered.tryAcquire(1, 10000); }
    QByteArray written() {
        QMutexLocker lock(&m_mutex);
        return m_data;
    }
    QList<QThread*> writers() {
        QMutexLocker lock(&m_mutex);
        return m_writers;
    }

protected:
    qint64 readData(char*, qint64) override { return -1; }
    qint64 writeData(const char* data, qint64 len) override {
        if (m_stopped) {
            m_entered.release();
            m_resume.acquire();
        }
        QMutexLocker lock(&m_mutex);
        m_data.append(data, len);
        m_writers.append(QThread::currentThread());
        return len;
    }

private:
    std::atomic<bool> m_stopped{false};
    QSemaphore m_entered, m_resume;
    QMutex m_mutex;
    QByteArray m_data;
    QList<QThread*> m_writers;
};

RequestEvent finished(int i) {
    RequestEvent e;
    e.kind = RequestEvent::Kind::Finished;
    e.timestampMs = 1790000000000;
    e.method = "POST";
    e.path = QStringLiteral("/v1/chat/completions/%1").arg(i, 6, 10, QLatin1Char('0'));
    e.status = 200;
    return e;
}

// An AccessLog living on a thread of its own, like serve mode's main thread; the test's thread
// publishes, like a proxy thread.
struct LogOnItsThread {
    EventBus bus;
    StoppableOutput out;
    QThread thread;
    QObject context;
    std::unique_ptr<AccessLog> log;

    LogOnItsThread() {
        thread.start();
        context.moveToThread(&thread);
        QMetaObject::invokeMethod(&context, [this] { log = std::make_unique<AccessLog>(&bus, &out); },
                                  Qt::BlockingQueuedConnection);
    }
    ~LogOnItsThread() {
        QMetaObject::invokeMethod(&context, [this] { log.reset(); }, Qt::BlockingQueuedConnection);
        thread.quit();
        thread.wait();
    }
};

// The log's writes happen on its own thread (the main thread in serve mode), never on the proxy
// thread that publishes; a stuck output costs lines, counted, never a request's time.
TEST(AccessLog, AStuckOutputNeverHoldsUpTheProxyThreadAndDropsAreCounted) {
    LogOnItsThread log;
    EventBus& bus = log.bus;
    StoppableOutput& out = log.out;
    QThread& logThread = log.thread;

    out.stop();
    bus.publish(finished(0));  // its batch goes out kFlushMs later, and the write sticks
    ASSERT_TRUE(out.waitForStalledWrite());

    // Past kMaxPendingBytes of lines while the write is stuck: the proxy thread goes on.
    const int lineBytes = int(AccessLog::formatLine(finished(1)).size());
    const int total = 1 + int(AccessLog::kMaxPendingBytes / lineBytes) + 500;
    auto published = std::async(std::launch::async, [&] {
        for (int i = 1; i < total; ++i) bus.publish(finished(i));
    });
    const bool proxyWentOn = published.wait_for(std::chrono::seconds(20)) == std::future_status::ready;
    out.resume();
    published.wait();
    ASSERT_TRUE(proxyWentOn) << "publishing waited for the stuck write";

    ASSERT_TRUE(waitUntil([&] { return out.written().contains(" lines dropped"); }, 10000));
    const QByteArray written = out.written();
    const QList<QByteArray> lines = written.split('\n');
    int kept = 0;
    qint64 dropped = -1;
    for (const QByteArray& line : lines) {
        if (line.startsWith("access log: ")) {
            dropped = line.mid(12, line.indexOf(' ', 12) - 12).toLongLong();
            EXPECT_EQ(line, "access log: " + QByteArray::number(dropped) +
                                " lines dropped: the log output was not keeping up");
            continue;
        }
        if (line.isEmpty()) continue;
        // Every line kept is the next one published: in order, none twice.
        EXPECT_TRUE(line.contains(QStringLiteral("/v1/chat/completions/%1 ").arg(kept, 6, 10, QLatin1Char('0')).toUtf8()))
            << line.constData();
        ++kept;
    }
    EXPECT_GT(dropped, 0);
    EXPECT_LE(written.size(), AccessLog::kMaxPendingBytes + 2 * lineBytes + 100);
    EXPECT_EQ(kept + dropped, total);
    for (QThread* writer : out.writers()) EXPECT_EQ(writer, &logThread);

    // Once the output moves again, lines are kept again.
    bus.publish(finished(total));
    EXPECT_TRUE(waitUntil([&] {
        return out.written().contains(QStringLiteral("/v1/chat/completions/%1 ").arg(total, 6, 10, QLatin1Char('0')).toUtf8());
    }, 10000));
}

// A batch past kFlushBytes is written at once, and still by the log's thread.
TEST(AccessLog, AFullBatchIsWrittenByTheLogsThreadNotTheProxys) {
    LogOnItsThread log;
    EventBus& bus = log.bus;
    StoppableOutput& out = log.out;
    QThread& logThread = log.thread;
    const int lineBytes = int(AccessLog::formatLine(finished(0)).size());
    const int n = int(AccessLog::kFlushBytes / lineBytes) + 1;
    for (int i = 0; i < n; ++i) bus.publish(finished(i));
    EXPECT_TRUE(waitUntil([&] { return out.written().size() >= qsizetype(n) * lineBytes; }, 10000));
    EXPECT_EQ(out.written().count('\n'), n);
    for (QThread* writer : out.writers()) EXPECT_EQ(writer, &logThread);
}

}  // namespace
}  // namespace ar
