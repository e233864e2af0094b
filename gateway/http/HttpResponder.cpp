#include "http/HttpResponder.h"

#include <QVarLengthArray>
#include <cstdio>

#include "core/TextAppend.h"
#include "http/HttpConnection.h"
#include "http/HttpStatus.h"

namespace ar {

namespace {
// A response head is built on the stack and sent with the body in one system call: neither
// is copied into the other.
using Head = QVarLengthArray<char, 768>;
QByteArrayView view(const Head& h) { return {h.constData(), h.size()}; }
}  // namespace

HttpResponder::HttpResponder(HttpConnection* connection, bool keepAlive)
    : QObject(connection), m_connection(connection), m_keepAlive(keepAlive) {}

bool HttpResponder::clientConnected() const { return m_connection && m_connection->isOpen(); }

template <typename Out>
static void appendHead(Out& out, int status, QByteArrayView contentType, const HttpHeaders& extra,
                       QByteArrayView headerLines, bool keepAlive) {
    text::append(out, "HTTP/1.1 ");
    text::appendNumber(out, status);
    text::append(out, " ");
    text::append(out, httpReasonPhrase(status));
    text::append(out, "\r\n");
    if (!contentType.isEmpty()) text::appendHeaderLine(out, "Content-Type", contentType);
    for (const auto& [name, value] : extra) text::appendHeaderLine(out, name, value);
    text::append(out, headerLines);
    text::append(out, keepAlive ? QByteArrayView("Connection: keep-alive\r\n") : QByteArrayView("Connection: close\r\n"));
}

void HttpResponder::send(int status, const QByteArray& contentType, const QByteArray& body,
                         const HttpHeaders& extraHeaders) {
    sendWith(status, contentType, body, extraHeaders, {});
}

void HttpResponder::send(int status, QByteArrayView contentType, const QByteArray& body,
                         QByteArrayView headerLines) {
    sendWith(status, contentType, body, {}, headerLines);
}

void HttpResponder::sendWith(int status, QByteArrayView contentType, const QByteArray& body,
                             const HttpHeaders& extra, QByteArrayView headerLines) {
    if (m_headersSent || m_finished) return;
    m_headersSent = true;
    Head head;
    appendHead(head, status, contentType, extra, headerLines, m_keepAlive);
    text::append(head, "Content-Length: ");
    text::appendNumber(head, body.size());
    text::append(head, "\r\n\r\n");
    if (m_connection) m_connection->writeParts({view(head), body});
    complete();
}

void HttpResponder::beginStream(int status, const QByteArray& contentType,
                                const HttpHeaders& extraHeaders) {
    beginStreamWith(status, contentType, extraHeaders, {});
}

void HttpResponder::beginStream(int status, QByteArrayView contentType, QByteArrayView headerLines) {
    beginStreamWith(status, contentType, {}, headerLines);
}

void HttpResponder::beginStreamWith(int status, QByteArrayView contentType, const HttpHeaders& extra,
                                    QByteArrayView headerLines) {
    if (m_headersSent || m_finished) return;
    m_headersSent = true;
    Head head;
    appendHead(head, status, contentType, extra, headerLines, m_keepAlive);
    text::append(head, "Cache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n\r\n");
    if (m_connection) m_connection->writeParts({view(head)});
}

void HttpResponder::writeChunk(const QByteArray& data) {
    if (!m_headersSent || m_finished || data.isEmpty() || !m_connection) return;
    char size[20];
    const int n = std::snprintf(size, sizeof size, "%llx\r\n", static_cast<unsigned long long>(data.size()));
    m_connection->writeParts({QByteArrayView(size, n), data, "\r\n"});
}

void HttpResponder::endStream() {
    if (!m_headersSent || m_finished) return;
    if (m_connection) m_connection->writeParts({"0\r\n\r\n"});
    complete();
}

void HttpResponder::complete() {
    m_finished = true;
    if (m_connection) m_connection->responseFinished(this, m_keepAlive);
}

}  // namespace ar
