#include "http/HttpConnection.h"

#include <http_parser.h>

#include "api/ApiError.h"
#include "http/HttpResponder.h"
#include "net/TcpStream.h"

namespace ar {

namespace {
HttpConnection* self(http_parser* p) { return static_cast<HttpConnection*>(p->data); }
}  // namespace

// http-parser's C callbacks, befriended so they can fill the request being parsed.
struct HttpParserCallbacks {
    static int onMessageBegin(http_parser* p) {
        auto* c = self(p);
        c->m_request = HttpRequest{};
        c->m_url.clear();
        c->m_headers.reset();
        c->m_headerBytes = 0;
        if (c->m_state == HttpConnection::State::Idle) {
            c->m_state = HttpConnection::State::Receiving;
            c->armTimer(c->m_limits.requestTimeoutMs);
        }
        return 0;
    }
    static bool countHeader(HttpConnection* c, size_t n) {
        c->m_headerBytes += qint64(n);
        if (c->m_headerBytes > c->m_limits.maxHeaderBytes) {
            c->m_errorStatus = 431;
            return false;
        }
        return true;
    }
    static int onUrl(http_parser* p, const char* at, size_t n) {
        auto* c = self(p);
        if (!countHeader(c, n)) return -1;
        c->m_url.append(at, qsizetype(n));
        return 0;
    }
    static int onHeaderField(http_parser* p, const char* at, size_t n) {
        auto* c = self(p);
        if (!countHeader(c, n)) return -1;
        c->m_headers.field(at, n);
        return 0;
    }
    static int onHeaderValue(http_parser* p, const char* at, size_t n) {
        auto* c = self(p);
        if (!countHeader(c, n)) return -1;
        c->m_headers.value(c->m_request.headers, at, n);
        return 0;
    }
    static int onHeadersComplete(http_parser* p) {
        auto* c = self(p);
        HttpRequest& r = c->m_request;
        r.method = http_method_str(static_cast<http_method>(p->method));
        const qsizetype q = c->m_url.indexOf('?');
        r.path = q < 0 ? c->m_url : c->m_url.left(q);
        r.query = q < 0 ? QByteArray() : c->m_url.mid(q + 1);
        const bool hasLength = !(p->flags & F_CHUNKED) && p->content_length != ULLONG_MAX;
        if (hasLength && p->content_length > quint64(c->m_limits.maxBodyBytes)) {
            c->m_errorStatus = 413;
            return -1;
        }
        if (hasLength && p->content_length > 0) r.body.reserve(qsizetype(p->content_length));
        if (r.header("expect").compare("100-continue", Qt::CaseInsensitive) == 0)
            c->writeBytes(QByteArrayLiteral("HTTP/1.1 100 Continue\r\n\r\n"));
        return 0;
    }
    static int onBody(http_parser* p, const char* at, size_t n) {
        auto* c = self(p);
        if (c->m_request.body.size() + qint64(n) > c->m_limits.maxBodyBytes) {
            c->m_errorStatus = 413;
            return -1;
        }
        c->m_request.body.append(at, qsizetype(n));
        return 0;
    }
    static int onMessageComplete(http_parser* p) {
        auto* c = self(p);
        c->m_keepAlive = http_should_keep_alive(p) != 0;
        c->m_messageComplete = true;
        // Stop here: the next pipelined request is parsed after this one is answered.
        http_parser_pause(p, 1);
        return 0;
    }
    static const http_parser_settings& settings() {
        static const http_parser_settings s = [] {
            http_parser_settings s{};
            s.on_message_begin = onMessageBegin;
            s.on_url = onUrl;
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

HttpConnection::HttpConnection(TcpStream* socket, const HttpLimits& limits,
                               RequestCallback onRequest, QObject* parent)
    : QObject(parent),
      m_socket(socket),
      m_limits(limits),
      m_onRequest(std::move(onRequest)),
      m_parser(std::make_unique<http_parser>()) {
    m_socket->setParent(this);
    m_peer = m_socket->peerAddress();
    http_parser_init(m_parser.get(), HTTP_REQUEST);
    m_parser->data = this;
    connect(m_socket, &TcpStream::readyRead, this, &HttpConnection::onReadyRead);
    connect(m_socket, &TcpStream::disconnected, this, &HttpConnection::onDisconnected);
    armTimer(m_limits.idleTimeoutMs);
}

HttpConnection::~HttpConnection() = default;

bool HttpConnection::isOpen() const {
    return m_state != State::Closing && m_socket->isConnected();
}

void HttpConnection::writeBytes(const QByteArray& bytes) {
    m_socket->write(bytes);
}

void HttpConnection::writeParts(std::initializer_list<QByteArrayView> parts) {
    m_socket->write(parts);
}

void HttpConnection::armTimer(int ms) {
    if (ms > 0) m_timer.start(ms);
    else m_timer.stop();
}

void HttpConnection::onReadyRead() {
    delete m_spent.data();
    if (m_state == State::Closing) {
        QByteArray discarded;
        m_socket->readInto(discarded);
        return;
    }
    m_socket->readInto(m_in);
    parseBuffered();
}

void HttpConnection::parseBuffered() {
    while (m_state != State::Processing && m_state != State::Closing && !m_in.isEmpty()) {
        const size_t parsed = http_parser_execute(m_parser.get(), &HttpParserCallbacks::settings(),
                                                  m_in.constData(), size_t(m_in.size()));
        const auto err = static_cast<http_errno>(m_parser->http_errno);
        if (err == HPE_PAUSED) {
            m_in.remove(0, qsizetype(parsed));
            http_parser_pause(m_parser.get(), 0);
        } else if (err != HPE_OK) {
            if (m_errorStatus == 0 && err == HPE_HEADER_OVERFLOW) m_errorStatus = 431;
            if (m_errorStatus == 431)
                failAndClose(431, QStringLiteral("Request headers exceed %1 bytes.")
                                      .arg(m_limits.maxHeaderBytes));
            else if (m_errorStatus == 413)
                failAndClose(413, QStringLiteral("Request body exceeds the limit of %1 bytes.")
                                      .arg(m_limits.maxBodyBytes));
            else
                failAndClose(400, QStringLiteral("Malformed HTTP request: %1.")
                                      .arg(QString::fromUtf8(http_errno_description(err))));
            return;
        } else {
            m_in.remove(0, qsizetype(parsed));
        }
        if (m_messageComplete) dispatchRequest();
    }
}

void HttpConnection::dispatchRequest() {
    m_messageComplete = false;
    m_state = State::Processing;
    m_timer.stop();
    m_request.peer = m_peer;
    auto* responder = new HttpResponder(this, m_keepAlive);
    m_responder = responder;
    m_onRequest(std::move(m_request), responder);
}

void HttpConnection::responseFinished(HttpResponder* responder, bool keepAlive) {
    // The previous one is off the stack by now (it finished in an earlier event).
    if (m_spent != responder) delete m_spent.data();
    m_spent = responder;
    if (!keepAlive) {
        m_state = State::Closing;
        m_socket->disconnectFromHost();
        return;
    }
    m_state = State::Idle;
    armTimer(m_limits.idleTimeoutMs);
    if (!m_in.isEmpty()) {
        // Next pipelined request: parse it from the event loop, not inside the handler's stack.
        QMetaObject::invokeMethod(this, &HttpConnection::parseBuffered, Qt::QueuedConnection);
    }
}

void HttpConnection::failAndClose(int status, const QString& message) {
    ApiError error;
    error.status = status;
    error.message = message;
    error.code = status == 413   ? QStringLiteral("request_too_large")
                 : status == 431 ? QStringLiteral("headers_too_large")
                 : status == 408 ? QStringLiteral("request_timeout")
                                 : QStringLiteral("bad_request");
    auto* responder = new HttpResponder(this, false);
    m_state = State::Processing;
    responder->send(status, "application/json", error.toJson());
}

void HttpConnection::onTimeout() {
    if (m_state == State::Receiving) {
        failAndClose(408, QStringLiteral("The request was not received within %1 ms.")
                              .arg(m_limits.requestTimeoutMs));
    } else if (m_state == State::Idle) {
        m_state = State::Closing;
        m_socket->disconnectFromHost();
    }
}

void HttpConnection::onDisconnected() {
    m_state = State::Closing;
    m_timer.stop();
    if (m_responder && !m_responder->finished()) m_responder->clientGone();
    if (m_responder) m_responder->deleteLater();
    Q_EMIT closed();
    deleteLater();
}

}  // namespace ar
