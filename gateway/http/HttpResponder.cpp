#include "http/HttpResponder.h"

#include "http/HttpConnection.h"
#include "http/HttpStatus.h"

namespace ar {

HttpResponder::HttpResponder(HttpConnection* connection, bool keepAlive)
    : QObject(connection), m_connection(connection), m_keepAlive(keepAlive) {}

bool HttpResponder::clientConnected() const { return m_connection && m_connection->isOpen(); }

QByteArray HttpResponder::head(int status, const QByteArray& contentType,
                               const HttpHeaders& extra) const {
    QByteArray out;
    out.reserve(256);
    out += "HTTP/1.1 ";
    out += QByteArray::number(status);
    out += ' ';
    out += httpReasonPhrase(status);
    out += "\r\n";
    if (!contentType.isEmpty()) {
        out += "Content-Type: ";
        out += contentType;
        out += "\r\n";
    }
    for (const auto& [name, value] : extra) {  // piece by piece: no temporary per '+'
        out += name;
        out += ": ";
        out += value;
        out += "\r\n";
    }
    out += m_keepAlive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
    return out;
}

void HttpResponder::send(int status, const QByteArray& contentType, const QByteArray& body,
                         const HttpHeaders& extraHeaders) {
    if (m_headersSent || m_finished) return;
    m_headersSent = true;
    QByteArray out = head(status, contentType, extraHeaders);
    out += "Content-Length: ";
    out += QByteArray::number(body.size());
    out += "\r\n\r\n";
    out += body;
    if (m_connection) m_connection->writeBytes(out);
    complete();
}

void HttpResponder::beginStream(int status, const QByteArray& contentType,
                                const HttpHeaders& extraHeaders) {
    if (m_headersSent || m_finished) return;
    m_headersSent = true;
    QByteArray out = head(status, contentType, extraHeaders);
    out += "Cache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n\r\n";
    if (m_connection) m_connection->writeBytes(out);
}

void HttpResponder::writeChunk(const QByteArray& data) {
    if (!m_headersSent || m_finished || data.isEmpty() || !m_connection) return;
    QByteArray out;
    out.reserve(data.size() + 12);
    out += QByteArray::number(data.size(), 16);
    out += "\r\n";
    out += data;
    out += "\r\n";
    m_connection->writeBytes(out);
}

void HttpResponder::endStream() {
    if (!m_headersSent || m_finished) return;
    if (m_connection) m_connection->writeBytes(QByteArrayLiteral("0\r\n\r\n"));
    complete();
}

void HttpResponder::complete() {
    m_finished = true;
    if (m_connection) m_connection->responseFinished(this, m_keepAlive);
}

}  // namespace ar
