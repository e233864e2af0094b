#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QTcpSocket>
#include <memory>

#include "http/HeaderCollector.h"
#include "http/HttpRequest.h"

struct http_parser;

namespace ar::test {

struct ClientResponse {
    int status = 0;
    HttpHeaders headers;
    QByteArray body;
    bool complete = false;
    QList<QByteArray> chunks;  // body pieces as they arrived (chunked responses)

    QByteArray header(QByteArrayView lowerName) const;
    QJsonObject json() const;
    // A field of the OpenAI error object ("message", "type", "param", "code").
    QString error(const char* field) const;
};

// A blocking HTTP/1.1 client over a real socket, for tests running on a thread of their own
// (the gateway and fake upstreams run on other threads). Supports keep-alive, raw writes
// (pipelining, malformed input) and reading a chunked stream piece by piece.
class TestClient {
public:
    explicit TestClient(quint16 port);
    ~TestClient();

    bool connected() const;
    void writeRaw(const QByteArray& bytes);

    // Sends a request; `extraHeaders` is raw "Name: value\r\n" lines.
    void send(const QByteArray& method, const QByteArray& path, const QByteArray& body = {},
              const QByteArray& extraHeaders = {});
    // Reads one whole response (waits up to timeoutMs).
    ClientResponse read(int timeoutMs = 10'000);
    ClientResponse request(const QByteArray& method, const QByteArray& path,
                           const QByteArray& body = {}, const QByteArray& extraHeaders = {},
                           int timeoutMs = 10'000);

    // Streaming: the response head, then the next body chunk as it arrives.
    bool readHead(ClientResponse& out, int timeoutMs = 10'000);
    // Next de-chunked body piece; empty when none arrived within timeoutMs or the stream ended.
    QByteArray nextChunk(int timeoutMs = 10'000);
    bool streamEnded() const { return m_done; }

    // True once the server closed the connection (waits up to timeoutMs).
    bool waitForClose(int timeoutMs = 10'000);

    QTcpSocket& socket() { return m_socket; }

private:
    friend struct ClientParserCallbacks;
    bool pump(int timeoutMs);
    void resetParser();

    QTcpSocket m_socket;
    std::unique_ptr<http_parser> m_parser;
    ClientResponse m_current;
    QList<ClientResponse> m_done_responses;
    QList<QByteArray> m_pendingChunks;
    HeaderCollector m_headerCollector;
    bool m_headDone = false;
    bool m_done = false;
    QByteArray m_unparsed;
};

// Bearer header line for a key.
QByteArray bearer(const QString& key);

}  // namespace ar::test
