#pragma once

#include <QObject>
#include <QPointer>
#include <functional>

#include "http/HttpRequest.h"

namespace ar {

class HttpConnection;

// The handler's side of one exchange: either one whole response, or a stream of chunks
// (chunked transfer encoding) written as they come. Owned by the connection; objects the
// handler parents to it die with the exchange, which is how an upstream call is cancelled
// when the client goes away.
class HttpResponder : public QObject {
    Q_OBJECT
public:
    HttpResponder(HttpConnection* connection, bool keepAlive);

    void send(int status, const QByteArray& contentType, const QByteArray& body,
              const HttpHeaders& extraHeaders = {});
    void beginStream(int status, const QByteArray& contentType,
                     const HttpHeaders& extraHeaders = {});
    // The same with extra headers already formatted as "Name: value\r\n" lines (the proxy's
    // own headers, written per request without building a list).
    void send(int status, QByteArrayView contentType, const QByteArray& body, QByteArrayView headerLines);
    void beginStream(int status, QByteArrayView contentType, QByteArrayView headerLines);
    void writeChunk(const QByteArray& data);
    void endStream();

    bool headersSent() const { return m_headersSent; }
    bool finished() const { return m_finished; }
    bool clientConnected() const;

    // Called if the client disconnects before the response finished (a plain callback: a
    // signal connection per request cost more than the rest of setting up the exchange).
    void setClientGoneHandler(std::function<void()> handler) { m_clientGone = std::move(handler); }
    void clientGone() {
        if (m_clientGone) m_clientGone();
    }

private:
    void sendWith(int status, QByteArrayView contentType, const QByteArray& body,
                  const HttpHeaders& extra, QByteArrayView headerLines);
    void beginStreamWith(int status, QByteArrayView contentType, const HttpHeaders& extra,
                         QByteArrayView headerLines);
    void complete();

    QPointer<HttpConnection> m_connection;
    bool m_keepAlive;
    bool m_headersSent = false;
    bool m_finished = false;
    std::function<void()> m_clientGone;
};

}  // namespace ar
