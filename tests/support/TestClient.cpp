#include "support/TestClient.h"

#include <QDeadlineTimer>
#include <QJsonDocument>
#include <http_parser.h>

namespace ar::test {

QByteArray ClientResponse::header(QByteArrayView lowerName) const {
    for (const auto& [name, value] : headers)
        if (name == lowerName) return value;
    return {};
}

QJsonObject ClientResponse::json() const { return QJsonDocument::fromJson(body).object(); }

QString ClientResponse::error(const char* field) const {
    return json().value(QStringLiteral("error")).toObject().value(QLatin1String(field)).toString();
}

QByteArray bearer(const QString& key) { return "Authorization: Bearer " + key.toUtf8() + "\r\n"; }

namespace {
TestClient* self(http_parser* p) { return static_cast<TestClient*>(p->data); }
}  // namespace

struct ClientParserCallbacks {
    static int onHeaderField(http_parser* p, const char* at, size_t n) {
        self(p)->m_headerCollector.field(at, n);
        return 0;
    }
    static int onHeaderValue(http_parser* p, const char* at, size_t n) {
        auto* c = self(p);
        c->m_headerCollector.value(c->m_current.headers, at, n);
        return 0;
    }
    static int onHeadersComplete(http_parser* p) {
        auto* c = self(p);
        if (p->status_code == 100) {  // interim: forget it and wait for the real head
            c->m_current.headers.clear();
            return 0;
        }
        c->m_current.status = p->status_code;
        c->m_headDone = true;
        return 0;
    }
    static int onBody(http_parser* p, const char* at, size_t n) {
        auto* c = self(p);
        const QByteArray piece(at, qsizetype(n));
        c->m_current.body += piece;
        c->m_pendingChunks.append(piece);
        return 0;
    }
    static int onMessageComplete(http_parser* p) {
        auto* c = self(p);
        if (p->status_code == 100) return 0;
        c->m_current.complete = true;
        c->m_done = true;
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

TestClient::TestClient(quint16 port) : m_parser(std::make_unique<http_parser>()) {
    m_socket.connectToHost(QHostAddress::LocalHost, port);
    m_socket.waitForConnected(5000);
    resetParser();
}

TestClient::~TestClient() = default;

bool TestClient::connected() const { return m_socket.state() == QAbstractSocket::ConnectedState; }

void TestClient::resetParser() {
    http_parser_init(m_parser.get(), HTTP_RESPONSE);
    m_parser->data = this;
    m_current = ClientResponse{};
    m_pendingChunks.clear();
    m_headerCollector.reset();
    m_headDone = false;
    m_done = false;
}

void TestClient::writeRaw(const QByteArray& bytes) {
    m_socket.write(bytes);
    m_socket.flush();
}

void TestClient::send(const QByteArray& method, const QByteArray& path, const QByteArray& body,
                      const QByteArray& extraHeaders) {
    QByteArray req = method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extraHeaders;
    if (!body.isEmpty() || method == "POST")
        req += "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n";
    req += "\r\n" + body;
    writeRaw(req);
}

bool TestClient::pump(int timeoutMs) {
    // Parse what we already have before waiting for more.
    if (m_unparsed.isEmpty()) {
        if (m_socket.bytesAvailable() == 0) {
            if (m_socket.state() != QAbstractSocket::ConnectedState) {
                if (m_headDone && !m_done)  // EOF-delimited body
                    http_parser_execute(m_parser.get(), &ClientParserCallbacks::settings(), nullptr, 0);
                return false;
            }
            if (!m_socket.waitForReadyRead(timeoutMs)) {
                if (m_socket.state() != QAbstractSocket::ConnectedState && m_headDone && !m_done)
                    http_parser_execute(m_parser.get(), &ClientParserCallbacks::settings(), nullptr, 0);
                return false;
            }
        }
        m_unparsed = m_socket.readAll();
    }
    const size_t parsed = http_parser_execute(m_parser.get(), &ClientParserCallbacks::settings(),
                                              m_unparsed.constData(), size_t(m_unparsed.size()));
    if (HTTP_PARSER_ERRNO(m_parser.get()) == HPE_PAUSED) http_parser_pause(m_parser.get(), 0);
    else if (HTTP_PARSER_ERRNO(m_parser.get()) != HPE_OK) {
        m_unparsed.clear();
        return false;
    }
    m_unparsed.remove(0, qsizetype(parsed));
    return true;
}

ClientResponse TestClient::read(int timeoutMs) {
    QDeadlineTimer deadline(timeoutMs);
    while (!m_done) {
        if (!pump(int(qMax<qint64>(1, deadline.remainingTime())))) break;
        if (deadline.hasExpired()) break;
    }
    ClientResponse out = m_current;
    resetParser();
    return out;
}

ClientResponse TestClient::request(const QByteArray& method, const QByteArray& path,
                                   const QByteArray& body, const QByteArray& extraHeaders,
                                   int timeoutMs) {
    send(method, path, body, extraHeaders);
    return read(timeoutMs);
}

bool TestClient::readHead(ClientResponse& out, int timeoutMs) {
    QDeadlineTimer deadline(timeoutMs);
    while (!m_headDone) {
        if (!pump(int(qMax<qint64>(1, deadline.remainingTime())))) break;
        if (deadline.hasExpired()) break;
    }
    out = m_current;
    return m_headDone;
}

QByteArray TestClient::nextChunk(int timeoutMs) {
    QDeadlineTimer deadline(timeoutMs);
    while (m_pendingChunks.isEmpty() && !m_done) {
        if (!pump(int(qMax<qint64>(1, deadline.remainingTime())))) break;
        if (deadline.hasExpired()) break;
    }
    if (m_pendingChunks.isEmpty()) return {};
    return m_pendingChunks.takeFirst();
}

bool TestClient::waitForClose(int timeoutMs) {
    QDeadlineTimer deadline(timeoutMs);
    while (m_socket.state() == QAbstractSocket::ConnectedState) {
        m_socket.readAll();
        if (!m_socket.waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime()))) &&
            deadline.hasExpired())
            break;
    }
    return m_socket.state() != QAbstractSocket::ConnectedState;
}

}  // namespace ar::test
