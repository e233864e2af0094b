#include "upstream/UpstreamConnection.h"

#include <QSslConfiguration>
#include <QSslSocket>
#include <QTcpSocket>
#include <http_parser.h>

#include "net/TcpStream.h"
#include "upstream/UpstreamPool.h"

namespace ar {

namespace {
UpstreamConnection* self(http_parser* p) { return static_cast<UpstreamConnection*>(p->data); }
}  // namespace

struct UpstreamParserCallbacks {
    static int onHeaderField(http_parser* p, const char* at, size_t n) {
        self(p)->m_headers.field(at, n);
        return 0;
    }
    static int onHeaderValue(http_parser* p, const char* at, size_t n) {
        auto* c = self(p);
        if (!c->m_call) return 0;
        c->m_headers.value(c->m_call->m_headers, at, n);
        return 0;
    }
    static int onHeadersComplete(http_parser* p) {
        auto* c = self(p);
        if (p->status_code == 100) return 0;  // interim response
        if (c->m_call) c->m_call->m_status = p->status_code;
        return 0;
    }
    static int onBody(http_parser* p, const char* at, size_t n) {
        self(p)->m_bodyBatch.append(at, qsizetype(n));
        return 0;
    }
    static int onMessageComplete(http_parser* p) {
        auto* c = self(p);
        if (p->status_code == 100) return 0;
        c->m_keepAlive = http_should_keep_alive(p) != 0;
        c->m_messageDone = true;
        http_parser_pause(p, 1);
        return 0;
    }
    static const http_parser_settings& settings() {
        static const http_parser_settings s = [] {
            http_parser_settings s{};
            s.on_header_field = onHeaderField;
            s.on_header_value = onHeaderValue;
            s.on_headers_complete = onHeadersComplete;
            s.on_body = onBody;
            s.on_message_complete = onMessageComplete;
            return s;
        }();
        return s;
    }
};

UpstreamConnection::UpstreamConnection(UpstreamPool* pool, const QString& key, bool tls,
                                       const QString& host, quint16 port)
    : QObject(pool),
      m_pool(pool),
      m_key(key),
      m_tls(tls),
      m_host(host),
      m_port(port),
      m_parser(std::make_unique<http_parser>()) {
    m_parser->data = this;
    auto connectFailed = [this] {
        if (m_call && !m_pendingRequest.isEmpty())
            fail(UpstreamFailure::Kind::Connect,
                 QStringLiteral("Cannot connect to %1:%2: %3").arg(m_host).arg(m_port).arg(socketError()));
    };
    if (tls) {
        m_ssl = new QSslSocket(this);
        connect(m_ssl, &QSslSocket::readyRead, this, &UpstreamConnection::onReadyRead);
        connect(m_ssl, &QSslSocket::disconnected, this, &UpstreamConnection::onDisconnected);
        // Before the connection is up, failures arrive only as errors (no disconnected signal).
        connect(m_ssl, &QSslSocket::errorOccurred, this, connectFailed);
        connect(m_ssl, &QSslSocket::encrypted, this, &UpstreamConnection::onConnected);
    } else {
        m_plain = new TcpStream(this);
        connect(m_plain, &TcpStream::readyRead, this, &UpstreamConnection::onReadyRead);
        connect(m_plain, &TcpStream::disconnected, this, &UpstreamConnection::onDisconnected);
        connect(m_plain, &TcpStream::errorOccurred, this, connectFailed);
        connect(m_plain, &TcpStream::connected, this, &UpstreamConnection::onConnected);
    }
}

UpstreamConnection::~UpstreamConnection() = default;

bool UpstreamConnection::socketConnected() const {
    return m_plain ? m_plain->isConnected() : m_ssl->state() == QAbstractSocket::ConnectedState;
}

void UpstreamConnection::send(const QByteArray& bytes) {
    if (m_plain) {
        m_plain->write(bytes);
        return;
    }
    m_ssl->write(bytes);
    m_ssl->flush();  // now, not on the next poll that reports the socket writable
}

void UpstreamConnection::readInto(QByteArray& out) {
    if (m_plain) m_plain->readInto(out);
    else out.append(m_ssl->readAll());
}

void UpstreamConnection::abortSocket() {
    if (m_plain) m_plain->abort();
    else m_ssl->abort();
}

QString UpstreamConnection::socketError() const {
    return m_plain ? m_plain->errorString() : m_ssl->errorString();
}

bool UpstreamConnection::reusable() const {
    return socketConnected() && !m_call;
}

void UpstreamConnection::start(UpstreamCall* call, const QByteArray& bytes, int connectTimeoutMs,
                               int responseTimeoutMs, int idleTimeoutMs) {
    m_call = call;
    call->m_connection = this;
    m_responseTimeoutMs = responseTimeoutMs;
    m_idleTimeoutMs = idleTimeoutMs > 0 ? idleTimeoutMs : responseTimeoutMs;
    m_messageDone = false;
    m_headers.reset();
    http_parser_init(m_parser.get(), HTTP_RESPONSE);
    m_parser->data = this;
    m_sentRequest = bytes;
    if (socketConnected()) {
        send(bytes);
        m_timer.start(responseTimeoutMs);
        return;
    }
    m_pendingRequest = bytes;
    m_timer.start(connectTimeoutMs);
    if (m_tls) m_ssl->connectToHostEncrypted(m_host, m_port);
    else m_plain->connectToHost(m_host, m_port);
}

void UpstreamConnection::trustCaFile(const QString& path) {
    if (!m_ssl) return;
    QSslConfiguration config = m_ssl->sslConfiguration();
    config.addCaCertificates(path);
    m_ssl->setSslConfiguration(config);
}

void UpstreamConnection::onConnected() {
    if (m_tls) m_ssl->setSocketOption(QAbstractSocket::LowDelayOption, 1);  // TcpStream sets it itself
    if (!m_call) return;
    send(m_pendingRequest);
    m_pendingRequest.clear();
    m_timer.start(m_responseTimeoutMs);
}

void UpstreamConnection::abandon() {
    m_call = nullptr;
    m_timer.stop();
    abortSocket();
    m_pool->discard(this);
}

void UpstreamConnection::onReadyRead() {
    m_received.resize(0);
    readInto(m_received);
    const QByteArray& data = m_received;
    if (!m_call) {
        // Bytes on an idle connection are a protocol violation: drop it.
        abortSocket();
        m_pool->discard(this);
        return;
    }
    // Until the head arrives the response timeout runs; after it, each silence may last up to
    // the idle timeout, so a stalled stream ends instead of hanging.
    m_timer.start(m_call->m_status != 0 ? m_idleTimeoutMs : m_responseTimeoutMs);
    qsizetype offset = 0;
    while (offset < data.size() && m_call && !m_messageDone) {
        const size_t parsed =
            http_parser_execute(m_parser.get(), &UpstreamParserCallbacks::settings(),
                                data.constData() + offset, size_t(data.size() - offset));
        const auto err = static_cast<http_errno>(m_parser->http_errno);
        offset += qsizetype(parsed);
        if (err == HPE_PAUSED) {
            http_parser_pause(m_parser.get(), 0);
        } else if (err != HPE_OK) {
            fail(UpstreamFailure::Kind::Protocol,
                 QStringLiteral("Malformed upstream response: %1")
                     .arg(QString::fromUtf8(http_errno_description(err))));
            return;
        }
        if (parsed == 0 && err == HPE_OK) break;
    }
    flushBody();
    if (m_messageDone && m_call) complete();
    else if (m_call && m_call->m_status != 0) m_timer.start(m_idleTimeoutMs);
}

void UpstreamConnection::flushBody() {
    QPointer<UpstreamCall> call = m_call;
    if (!call || call->m_status == 0) return;
    if (!call->m_headEmitted) {
        call->m_headEmitted = true;
        call->m_listener->upstreamHead(call->m_status);
        if (!call) return;
    }
    if (!m_bodyBatch.isEmpty()) {
        QByteArray batch;
        batch.swap(m_bodyBatch);
        call->m_listener->upstreamData(batch);
    }
}

void UpstreamConnection::complete() {
    m_timer.stop();
    QPointer<UpstreamCall> call = m_call;
    m_call = nullptr;
    ++m_requestsServed;
    if (call) call->m_connection = nullptr;
    if (m_keepAlive && socketConnected()) {
        m_pool->release(this);
        m_timer.start(UpstreamPool::kIdleCloseMs);
    } else {
        abortSocket();
        m_pool->discard(this);
    }
    if (call) call->m_listener->upstreamFinished();
}

void UpstreamConnection::onDisconnected() {
    if (!m_call) {
        m_timer.stop();
        m_pool->discard(this);
        return;
    }
    if (m_call->m_status != 0 && !m_messageDone) {
        // A body delimited by the connection's end finishes here.
        http_parser_execute(m_parser.get(), &UpstreamParserCallbacks::settings(), nullptr, 0);
        flushBody();
        if (m_messageDone && m_call) {
            m_keepAlive = false;
            complete();
            return;
        }
    }
    if (m_call->m_status == 0 && wasReused()) {
        // The server closed an idle keep-alive connection just as we reused it: nothing was
        // processed, so send again on a fresh connection.
        UpstreamCall* call = m_call;
        m_call = nullptr;
        call->m_connection = nullptr;
        m_pool->discard(this);
        auto* fresh = new UpstreamConnection(m_pool, m_key, m_tls, m_host, m_port);
        fresh->start(call, m_sentRequest, UpstreamPool::kConnectTimeoutMs, m_responseTimeoutMs, m_idleTimeoutMs);
        return;
    }
    fail(UpstreamFailure::Kind::Closed,
         m_call->m_status != 0 ? QStringLiteral("The upstream closed the connection mid-response.")
                               : QStringLiteral("The upstream closed the connection without answering."));
}

void UpstreamConnection::onTimeout() {
    if (!m_call) {  // idle too long
        abortSocket();
        m_pool->discard(this);
        return;
    }
    if (!m_pendingRequest.isEmpty())
        fail(UpstreamFailure::Kind::Connect,
             QStringLiteral("Timed out connecting to %1:%2.").arg(m_host).arg(m_port));
    else if (m_call->m_status != 0)
        fail(UpstreamFailure::Kind::Stalled,
             QStringLiteral("The upstream sent nothing for %1 ms mid-response.").arg(m_idleTimeoutMs));
    else
        fail(UpstreamFailure::Kind::Timeout,
             QStringLiteral("The upstream did not answer within %1 ms.").arg(m_responseTimeoutMs));
}

void UpstreamConnection::fail(UpstreamFailure::Kind kind, const QString& message) {
    m_timer.stop();
    QPointer<UpstreamCall> call = m_call;
    m_call = nullptr;
    if (call) call->m_connection = nullptr;
    if (m_plain) disconnect(m_plain, nullptr, this, nullptr);
    else disconnect(m_ssl, nullptr, this, nullptr);
    abortSocket();
    m_pool->discard(this);
    if (call) call->m_listener->upstreamFailed(UpstreamFailure{kind, message});
}

}  // namespace ar
