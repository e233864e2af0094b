#include "http/HttpServer.h"

#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>

#include "api/ApiError.h"
#include "core/Scheduling.h"
#include "http/HttpConnection.h"
#include "http/HttpResponder.h"
#include "net/TcpStream.h"
#ifdef Q_OS_LINUX
#include "net/EpollEventDispatcher.h"
#endif

namespace ar {

namespace {

// The proxy threads' event loop: epoll on Linux (see EpollEventDispatcher), unless
// AGENTROUTER_EVENT_LOOP=qt asks for Qt's own (to compare them, or to rule ours out).
void useFastEventLoop(QThread* thread) {
#ifdef Q_OS_LINUX
    if (qEnvironmentVariable("AGENTROUTER_EVENT_LOOP") == QLatin1String("qt")) return;
    auto dispatcher = std::make_unique<EpollEventDispatcher>();
    if (dispatcher->isValid()) thread->setEventDispatcher(dispatcher.release());
#else
    Q_UNUSED(thread);
#endif
}

}  // namespace

// One worker: a thread's handler and the connections it serves.
class HttpWorker : public QObject {
public:
    HttpWorker(const HttpLimits& limits, std::atomic<int>& connections)
        : m_limits(limits), m_connections(connections) {}

    void init(const HandlerFactory& factory) {  // on the worker's thread
        scheduling::preferLatency();
        m_handler = factory();
    }

    void adopt(qintptr fd) {
        auto* socket = new TcpStream;
        if (!socket->adopt(fd)) {
            delete socket;
            m_connections.fetch_sub(1);
            return;
        }
        auto* connection = new HttpConnection(
            socket, m_limits,
            [this](HttpRequest&& request, HttpResponder* responder) {
                m_handler->handle(std::move(request), responder);
            },
            this);
        connect(connection, &HttpConnection::closed, this, [this] { m_connections.fetch_sub(1); });
    }

    void shutdown() {
        // Connections first: their exchanges may still reference the handler.
        const auto children = findChildren<HttpConnection*>(Qt::FindDirectChildrenOnly);
        for (HttpConnection* c : children) {
            disconnect(c, nullptr, this, nullptr);
            delete c;
            m_connections.fetch_sub(1);
        }
        m_handler.reset();
    }

private:
    HttpLimits m_limits;
    std::atomic<int>& m_connections;
    std::unique_ptr<RequestHandler> m_handler;
};

class Acceptor : public QTcpServer {
public:
    explicit Acceptor(HttpServer* server) : m_server(server) {}

protected:
    void incomingConnection(qintptr fd) override { m_server->dispatch(fd); }

private:
    HttpServer* m_server;
};

HttpServer::HttpServer(const HttpLimits& limits, int workerCount, HandlerFactory factory,
                       QObject* parent)
    : QObject(parent),
      m_limits(limits),
      m_workerCount(qMax(1, workerCount)),
      m_factory(std::move(factory)) {}

HttpServer::~HttpServer() { stop(); }

Result<quint16> HttpServer::listen(const QHostAddress& address, quint16 port) {
    if (m_acceptor) return ApiError::internal(QStringLiteral("The server is already listening."));
    for (int i = 0; i < m_workerCount; ++i) {
        auto thread = std::make_unique<QThread>();
        thread->setObjectName(QStringLiteral("gateway-worker-%1").arg(i));
        useFastEventLoop(thread.get());
        auto* worker = new HttpWorker(m_limits, m_connections);
        worker->moveToThread(thread.get());
        connect(thread.get(), &QThread::finished, worker, &QObject::deleteLater);
        thread->start();
        QMetaObject::invokeMethod(
            worker, [worker, this] { worker->init(m_factory); }, Qt::BlockingQueuedConnection);
        m_workers.push_back(worker);
        m_threads.push_back(std::move(thread));
    }
    QString error;
    quint16 bound = 0;
    QMetaObject::invokeMethod(
        m_workers.front(),
        [&] {
            m_acceptor = new Acceptor(this);
            if (m_acceptor->listen(address, port)) {
                bound = m_acceptor->serverPort();
            } else {
                error = m_acceptor->errorString();
                delete m_acceptor;
                m_acceptor = nullptr;
            }
        },
        Qt::BlockingQueuedConnection);
    if (!m_acceptor) {
        stop();
        return ApiError::internal(QStringLiteral("Cannot listen on %1:%2: %3")
                                      .arg(address.toString())
                                      .arg(port)
                                      .arg(error));
    }
    return bound;
}

void HttpServer::dispatch(qintptr fd) {
    if (m_connections.load() >= m_limits.maxConnections) {
        // Over the cap: answer 503 on the acceptor's thread and close.
        auto* socket = new QTcpSocket(m_acceptor);
        socket->setSocketDescriptor(fd);
        ApiError e{503, QStringLiteral("Too many connections (limit %1).").arg(m_limits.maxConnections),
                   QStringLiteral("server_error"), {}, QStringLiteral("too_many_connections")};
        const QByteArray body = e.toJson();
        socket->write("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                      "Connection: close\r\nContent-Length: " +
                      QByteArray::number(body.size()) + "\r\n\r\n" + body);
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        socket->disconnectFromHost();
        return;
    }
    m_connections.fetch_add(1);
    HttpWorker* worker = m_workers[m_next.fetch_add(1) % m_workers.size()];
    if (worker->thread() == QThread::currentThread()) {
        worker->adopt(fd);
    } else {
        QMetaObject::invokeMethod(worker, [worker, fd] { worker->adopt(fd); }, Qt::QueuedConnection);
    }
}

void HttpServer::stop() {
    if (m_acceptor) {
        Acceptor* acceptor = m_acceptor;
        QMetaObject::invokeMethod(acceptor, [acceptor] { delete acceptor; },
                                  Qt::BlockingQueuedConnection);
        m_acceptor = nullptr;
    }
    for (HttpWorker* worker : m_workers)
        QMetaObject::invokeMethod(worker, [worker] { worker->shutdown(); },
                                  Qt::BlockingQueuedConnection);
    for (auto& thread : m_threads) {
        thread->quit();
        thread->wait();
    }
    m_workers.clear();
    m_threads.clear();
}

}  // namespace ar
