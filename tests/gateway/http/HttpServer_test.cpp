// The HTTP server on real sockets: framing, pipelining, and every limit.
#include "http/HttpServer.h"

#include <QAbstractEventDispatcher>
#include <QThread>
#include <gtest/gtest.h>

#include "http/HttpResponder.h"
#include "support/TestClient.h"

namespace ar::test {
namespace {

// Echoes method, path and body; "/stream" answers with three chunks.
class EchoHandler final : public RequestHandler {
public:
    void handle(HttpRequest&& r, HttpResponder* responder) override {
        if (r.path == "/stream") {
            responder->beginStream(200, "text/event-stream");
            for (int i = 0; i < 3; ++i) responder->writeChunk("data: " + QByteArray::number(i) + "\n\n");
            responder->endStream();
            return;
        }
        responder->send(200, "text/plain", r.method + " " + r.path + " " + r.body);
    }
};

class HttpServerTest : public ::testing::Test {
protected:
    void start(HttpLimits limits = {}, int workers = 2) {
        server = std::make_unique<HttpServer>(limits, workers, [] {
            return std::unique_ptr<RequestHandler>(new EchoHandler);
        });
        auto port = server->listen(QHostAddress::LocalHost, 0);
        ASSERT_TRUE(port.ok());
        this->port = port.value();
    }
    std::unique_ptr<HttpServer> server;
    quint16 port = 0;
};

// Answers with the class of its thread's event dispatcher.
class DispatcherHandler final : public RequestHandler {
public:
    void handle(HttpRequest&&, HttpResponder* responder) override {
        responder->send(200, "text/plain", QThread::currentThread()->eventDispatcher()->metaObject()->className());
    }
};

QByteArray workerDispatcher(const char* eventLoopSetting) {
    if (eventLoopSetting) qputenv("AGENTROUTER_EVENT_LOOP", eventLoopSetting);
    HttpServer server({}, 1, [] { return std::unique_ptr<RequestHandler>(new DispatcherHandler); });
    auto port = server.listen(QHostAddress::LocalHost, 0);  // the workers start here
    qunsetenv("AGENTROUTER_EVENT_LOOP");
    if (!port.ok()) return {};
    TestClient c(port.value());
    return c.request("GET", "/").body;
}

// The worker threads run on epoll (Linux); AGENTROUTER_EVENT_LOOP=qt puts Qt's own loop back.
TEST(HttpServerEventLoop, WorkersRunOnEpollUnlessAskedForQts) {
    EXPECT_EQ(workerDispatcher(nullptr), "ar::EpollEventDispatcher");
    const QByteArray qts = workerDispatcher("qt");
    EXPECT_FALSE(qts.isEmpty());
    EXPECT_NE(qts, "ar::EpollEventDispatcher");
}

TEST_F(HttpServerTest, KeepAliveServesManyRequestsOnOneConnection) {
    start();
    TestClient c(port);
    for (int i = 0; i < 5; ++i) {
        const ClientResponse r = c.request("POST", "/x", QByteArray::number(i));
        EXPECT_EQ(r.status, 200);
        EXPECT_EQ(r.body, "POST /x " + QByteArray::number(i));
        EXPECT_EQ(r.header("connection"), "keep-alive");
    }
}

TEST_F(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
    start();
    TestClient c(port);
    QByteArray all;
    for (int i = 0; i < 4; ++i)
        all += "POST /p" + QByteArray::number(i) + " HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\n" +
               QByteArray::number(i);
    c.writeRaw(all);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(c.read().body, "POST /p" + QByteArray::number(i) + " " + QByteArray::number(i));
}

TEST_F(HttpServerTest, ChunkedRequestBodyIsDecoded) {
    start();
    TestClient c(port);
    c.writeRaw("POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
    EXPECT_EQ(c.read().body, "POST /c hello world");
}

TEST_F(HttpServerTest, ExpectContinueGetsInterimResponse) {
    start();
    TestClient c(port);
    c.writeRaw("POST /e HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
    ASSERT_TRUE(c.socket().waitForReadyRead(5000));
    const QByteArray interim = c.socket().peek(64);
    EXPECT_TRUE(interim.startsWith("HTTP/1.1 100 Continue\r\n\r\n"));
    c.writeRaw("data");
    const ClientResponse r = c.read();
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "POST /e data");
}

TEST_F(HttpServerTest, StreamingResponseUsesChunkedEncoding) {
    start();
    TestClient c(port);
    const ClientResponse r = c.request("GET", "/stream");
    EXPECT_EQ(r.header("transfer-encoding"), "chunked");
    EXPECT_EQ(r.body, "data: 0\n\ndata: 1\n\ndata: 2\n\n");
    EXPECT_EQ(c.request("GET", "/after").body, "GET /after ");  // connection still usable
}

TEST_F(HttpServerTest, OversizedHeadersGet431) {
    HttpLimits limits;
    limits.maxHeaderBytes = 2048;
    start(limits);
    TestClient c(port);
    const ClientResponse r = c.request("GET", "/h", {}, "X-Big: " + QByteArray(4096, 'a') + "\r\n");
    EXPECT_EQ(r.status, 431);
    EXPECT_EQ(r.error("code"), "headers_too_large");
    EXPECT_TRUE(c.waitForClose());
    TestClient ok(port);
    EXPECT_EQ(ok.request("GET", "/h", {}, "X-Small: a\r\n").status, 200);
}

TEST_F(HttpServerTest, OversizedBodyGets413BeforeItIsSent) {
    HttpLimits limits;
    limits.maxBodyBytes = 1024;
    start(limits);
    TestClient c(port);
    c.writeRaw("POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n");
    const ClientResponse r = c.read();
    EXPECT_EQ(r.status, 413);
    EXPECT_EQ(r.error("code"), "request_too_large");
    // Exactly at the limit is fine.
    TestClient ok(port);
    EXPECT_EQ(ok.request("POST", "/b", QByteArray(1024, 'x')).status, 200);
}

TEST_F(HttpServerTest, OversizedChunkedBodyGets413) {
    HttpLimits limits;
    limits.maxBodyBytes = 1024;
    start(limits);
    TestClient c(port);
    c.writeRaw("POST /b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n" + QByteArray(0x800, 'x') + "\r\n");
    EXPECT_EQ(c.read().status, 413);
}

TEST_F(HttpServerTest, DefaultBodyLimitIs32MiB) {
    EXPECT_EQ(HttpLimits{}.maxBodyBytes, 32 * 1024 * 1024);
}

TEST_F(HttpServerTest, SlowClientGets408) {
    HttpLimits limits;
    limits.requestTimeoutMs = 200;
    start(limits);
    TestClient c(port);
    c.writeRaw("POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
    const ClientResponse r = c.read(5000);
    EXPECT_EQ(r.status, 408);
    EXPECT_EQ(r.error("code"), "request_timeout");
    EXPECT_TRUE(c.waitForClose());
}

TEST_F(HttpServerTest, IdleKeepAliveConnectionIsClosed) {
    HttpLimits limits;
    limits.idleTimeoutMs = 200;
    start(limits);
    TestClient c(port);
    EXPECT_EQ(c.request("GET", "/a").status, 200);
    EXPECT_TRUE(c.waitForClose(5000));
}

TEST_F(HttpServerTest, ConnectionsBeyondTheCapGet503) {
    HttpLimits limits;
    limits.maxConnections = 2;
    start(limits);
    TestClient a(port), b(port);
    EXPECT_EQ(a.request("GET", "/a").status, 200);
    EXPECT_EQ(b.request("GET", "/b").status, 200);
    TestClient c(port);
    const ClientResponse r = c.read();
    EXPECT_EQ(r.status, 503);
    EXPECT_EQ(r.error("code"), "too_many_connections");
    // Closing one frees a slot.
    a.socket().disconnectFromHost();
    a.socket().waitForDisconnected(2000);
    bool served = false;
    for (int i = 0; i < 50 && !served; ++i) {
        TestClient d(port);
        served = d.request("GET", "/d").status == 200;
        if (!served) QThread::msleep(20);
    }
    EXPECT_TRUE(served);
}

TEST_F(HttpServerTest, MalformedRequestGets400AndServerKeepsServing) {
    start();
    TestClient c(port);
    c.writeRaw("THIS IS NOT HTTP\r\n\r\n");
    EXPECT_EQ(c.read().status, 400);
    TestClient ok(port);
    EXPECT_EQ(ok.request("GET", "/fine").status, 200);
}

TEST_F(HttpServerTest, ConnectionCloseIsHonoured) {
    start();
    TestClient c(port);
    const ClientResponse r = c.request("GET", "/x", {}, "Connection: close\r\n");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("connection"), "close");
    EXPECT_TRUE(c.waitForClose());
}

TEST_F(HttpServerTest, ServerRunsOnWorkerThreadsNotTheCallersThread) {
    std::atomic<QThread*> handlerThread{nullptr};
    class ThreadProbe final : public RequestHandler {
    public:
        explicit ThreadProbe(std::atomic<QThread*>& t) : m_t(t) {}
        void handle(HttpRequest&&, HttpResponder* r) override {
            m_t.store(QThread::currentThread());
            r->send(200, "text/plain", "ok");
        }
        std::atomic<QThread*>& m_t;
    };
    server = std::make_unique<HttpServer>(HttpLimits{}, 2, [&] {
        return std::unique_ptr<RequestHandler>(new ThreadProbe(handlerThread));
    });
    auto p = server->listen(QHostAddress::LocalHost, 0);
    ASSERT_TRUE(p.ok());
    TestClient c(p.value());
    EXPECT_EQ(c.request("GET", "/").status, 200);
    ASSERT_NE(handlerThread.load(), nullptr);
    EXPECT_NE(handlerThread.load(), QThread::currentThread());
    EXPECT_EQ(server->workerCount(), 2);
}

}  // namespace
}  // namespace ar::test
