#pragma once

#include <QHostAddress>
#include <QObject>
#include <atomic>
#include <memory>
#include <vector>

#include "core/Result.h"
#include "http/HttpLimits.h"
#include "http/RequestHandler.h"

class QThread;

namespace ar {

class HttpWorker;
class Acceptor;

// The gateway's HTTP/1.1 server. Connections are accepted on the first worker thread and
// spread round-robin over all workers; every worker runs its own event loop and handler,
// so the proxy never touches the thread that created the server (e.g. the GUI thread).
class HttpServer : public QObject {
    Q_OBJECT
public:
    HttpServer(const HttpLimits& limits, int workerCount, HandlerFactory factory,
               QObject* parent = nullptr);
    ~HttpServer() override;

    // Starts the workers and listens; port 0 picks a free port. Returns the bound port.
    Result<quint16> listen(const QHostAddress& address, quint16 port);
    void stop();

    int activeConnections() const { return m_connections.load(); }
    int workerCount() const { return int(m_workers.size()); }

private:
    friend class Acceptor;
    void dispatch(qintptr socketDescriptor);

    HttpLimits m_limits;
    int m_workerCount;
    HandlerFactory m_factory;
    std::vector<std::unique_ptr<QThread>> m_threads;
    std::vector<HttpWorker*> m_workers;  // each lives in its thread
    Acceptor* m_acceptor = nullptr;      // lives in the first worker thread
    std::atomic<int> m_connections{0};
    std::atomic<unsigned> m_next{0};
};

}  // namespace ar
