#include "support/FakeUpstream.h"

#include <QFile>
#include <QPointer>
#include <QSslKey>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

namespace ar::test {

FakeResponse FakeResponse::json(int status, const QByteArray& body, const QByteArray& contentType) {
    FakeResponse r;
    QByteArray head = "HTTP/1.1 " + QByteArray::number(status) + " X\r\ncontent-type: " +
                      contentType + "\r\ncontent-length: " + QByteArray::number(body.size()) +
                      "\r\n\r\n";
    r.steps.append({head + body, 0, false});
    return r;
}

FakeResponse FakeResponse::sse(const QList<QByteArray>& events, int delayMs, bool gated,
                               const QByteArray& contentType) {
    FakeResponse r;
    r.steps.append({"HTTP/1.1 200 OK\r\ncontent-type: " + contentType +
                        "\r\ntransfer-encoding: chunked\r\n\r\n",
                    0, false});
    for (qsizetype i = 0; i < events.size(); ++i) {
        const QByteArray& e = events[i];
        r.steps.append({QByteArray::number(e.size(), 16) + "\r\n" + e + "\r\n",
                        i == 0 ? 0 : delayMs, gated && i > 0});
    }
    r.steps.append({"0\r\n\r\n", 0, false});
    return r;
}

FakeResponse FakeResponse::cutSse(const QList<QByteArray>& events) {
    FakeResponse r = sse(events);
    r.steps.removeLast();
    r.closeAfter = true;
    return r;
}

// Lives on the fake's thread: a minimal HTTP/1.1 request reader and a step player.
class FakeUpstreamServer : public QTcpServer {
public:
    explicit FakeUpstreamServer(FakeUpstream* owner) : m_owner(owner) {}

    void release() {
        ++m_releases;
        QList<QPointer<QTcpSocket>> sockets;
        for (const auto& s : m_playing) sockets.append(s.socket);
        for (const auto& socket : sockets)
            for (auto& s : m_playing)
                if (s.socket == socket) {
                    advance(s);
                    break;
                }
    }

protected:
    void incomingConnection(qintptr fd) override {
        m_owner->m_connections.fetch_add(1);
        QTcpSocket* socket;
        if (!m_owner->m_certFile.isEmpty()) {
            auto* ssl = new QSslSocket(this);
            ssl->setSocketDescriptor(fd);
            ssl->setLocalCertificate(m_owner->m_certFile);
            QFile keyFile(m_owner->m_keyFile);
            (void)keyFile.open(QIODevice::ReadOnly);
            ssl->setPrivateKey(QSslKey(keyFile.readAll(), QSsl::Rsa));
            ssl->startServerEncryption();
            socket = ssl;
        } else {
            socket = new QTcpSocket(this);
            socket->setSocketDescriptor(fd);
        }
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onRead(socket); });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
            for (qsizetype i = 0; i < m_playing.size(); ++i) {
                if (m_playing[i].socket == socket) {
                    m_owner->m_peerClosed.fetch_add(1);
                    m_owner->m_active.fetch_sub(1);
                    m_playing.removeAt(i);
                    break;
                }
            }
            m_buffers.remove(socket);
            socket->deleteLater();
        });
    }

private:
    struct Playing {
        QPointer<QTcpSocket> socket;
        FakeResponse response;
        qsizetype next = 0;
        bool waiting = false;
    };

    void onRead(QTcpSocket* socket) {
        QByteArray& buf = m_buffers[socket];
        buf += socket->readAll();
        while (true) {
            const qsizetype end = buf.indexOf("\r\n\r\n");
            if (end < 0) return;
            HttpRequest req;
            const QList<QByteArray> lines = buf.left(end).split('\n');
            const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
            req.method = first.value(0);
            const QByteArray target = first.value(1);
            const qsizetype q = target.indexOf('?');
            req.path = q < 0 ? target : target.left(q);
            req.query = q < 0 ? QByteArray() : target.mid(q + 1);
            qsizetype length = 0;
            for (qsizetype i = 1; i < lines.size(); ++i) {
                const qsizetype colon = lines[i].indexOf(':');
                if (colon < 0) continue;
                const QByteArray name = lines[i].left(colon).trimmed().toLower();
                const QByteArray value = lines[i].mid(colon + 1).trimmed();
                req.headers.append({name, value});
                if (name == "content-length") length = value.toLongLong();
            }
            if (buf.size() < end + 4 + length) return;
            req.body = buf.mid(end + 4, length);
            buf.remove(0, end + 4 + length);
            handle(socket, std::move(req));
        }
    }

    void handle(QTcpSocket* socket, HttpRequest&& req) {
        FakeUpstream::Handler handler;
        {
            QMutexLocker lock(&m_owner->m_mutex);
            m_owner->m_requests.append(req);
            handler = m_owner->m_handler;
        }
        const int active = m_owner->m_active.fetch_add(1) + 1;
        int seen = m_owner->m_maxConcurrent.load();
        while (active > seen && !m_owner->m_maxConcurrent.compare_exchange_weak(seen, active)) {}
        FakeResponse response = handler ? handler(req)
                                        : FakeResponse::json(404, "{\"error\":{\"message\":\"no handler\"}}");
        m_playing.append(Playing{socket, std::move(response), 0, false});
        advance(m_playing.last());
    }

    void advance(Playing& p) {
        if (p.waiting || !p.socket) return;
        const QPointer<QTcpSocket> socket = p.socket;
        if (p.response.hang) return;
        while (p.next < p.response.steps.size()) {
            FakeStep& step = p.response.steps[p.next];
            if (step.gated) {
                if (m_releases == 0) return;
                --m_releases;
                step.gated = false;
            }
            if (step.delayMs > 0) {
                const int delay = step.delayMs;
                step.delayMs = 0;
                p.waiting = true;
                QTimer::singleShot(delay, this, [this, socket] {
                    for (auto& s : m_playing)
                        if (s.socket == socket) {
                            s.waiting = false;
                            advance(s);
                            return;
                        }
                });
                return;
            }
            socket->write(step.bytes);
            socket->flush();
            ++p.next;
        }
        const bool close = p.response.closeAfter;
        for (qsizetype i = 0; i < m_playing.size(); ++i)
            if (m_playing[i].socket == socket) {
                m_playing.removeAt(i);
                break;
            }
        m_owner->m_active.fetch_sub(1);
        if (close) socket->disconnectFromHost();
    }

    FakeUpstream* m_owner;
    QHash<QTcpSocket*, QByteArray> m_buffers;
    QList<Playing> m_playing;
    int m_releases = 0;
};

FakeUpstream::FakeUpstream(const QString& certFile, const QString& keyFile)
    : m_thread(std::make_unique<QThread>()), m_certFile(certFile), m_keyFile(keyFile) {
    m_thread->start();
    m_server = new FakeUpstreamServer(this);
    m_server->moveToThread(m_thread.get());
    QMetaObject::invokeMethod(
        m_server, [this] {
            m_server->listen(QHostAddress::LocalHost, 0);
            m_port = m_server->serverPort();
        },
        Qt::BlockingQueuedConnection);
}

FakeUpstream::~FakeUpstream() {
    QMetaObject::invokeMethod(m_server, [this] { delete m_server; }, Qt::BlockingQueuedConnection);
    m_thread->quit();
    m_thread->wait();
}

QString FakeUpstream::baseUrl() const {
    return QStringLiteral("%1://127.0.0.1:%2/v1")
        .arg(m_certFile.isEmpty() ? QStringLiteral("http") : QStringLiteral("https"))
        .arg(m_port);
}

void FakeUpstream::setHandler(Handler handler) {
    QMutexLocker lock(&m_mutex);
    m_handler = std::move(handler);
}

QList<HttpRequest> FakeUpstream::requests() const {
    QMutexLocker lock(&m_mutex);
    return m_requests;
}

int FakeUpstream::requestCount() const {
    QMutexLocker lock(&m_mutex);
    return int(m_requests.size());
}

void FakeUpstream::release() {
    QMetaObject::invokeMethod(m_server, [this] { m_server->release(); }, Qt::QueuedConnection);
}

}  // namespace ar::test
