#pragma once

#include <QObject>
#include <QPointer>
#include <memory>

#include "core/LazyTimeout.h"
#include "http/HeaderCollector.h"
#include "upstream/UpstreamCall.h"

class QSslSocket;
struct http_parser;

namespace ar {

class UpstreamPool;
class TcpStream;

// One keep-alive connection to an upstream host (plain TCP or TLS), carrying one call at a
// time. Responses are parsed with http-parser; body bytes go to the call as they arrive.
class UpstreamConnection : public QObject {
    Q_OBJECT
public:
    UpstreamConnection(UpstreamPool* pool, const QString& key, bool tls, const QString& host,
                       quint16 port);
    ~UpstreamConnection() override;

    const QString& key() const { return m_key; }
    bool reusable() const;
    bool wasReused() const { return m_requestsServed > 0; }

    // Sends `bytes` for `call`, connecting first if needed. `responseTimeoutMs` bounds the wait
    // for the response head, `idleTimeoutMs` (0: the same) each silence once it has begun.
    void start(UpstreamCall* call, const QByteArray& bytes, int connectTimeoutMs,
               int responseTimeoutMs, int idleTimeoutMs = 0);
    // Adds the CAs in a PEM file to the ones the system trusts, for this connection.
    void trustCaFile(const QString& path);
    // The call was destroyed mid-flight: drop the connection.
    void abandon();

private:
    friend struct UpstreamParserCallbacks;
    void onConnected();
    void onReadyRead();
    void onDisconnected();
    void onTimeout();
    void fail(UpstreamFailure::Kind kind, const QString& message);
    void complete();
    void flushBody();
    // The transport: TcpStream for plain HTTP (the hot path), QSslSocket for HTTPS.
    bool socketConnected() const;
    void send(const QByteArray& bytes);
    void readInto(QByteArray& out);
    void abortSocket();
    QString socketError() const;

    UpstreamPool* m_pool;
    QString m_key;
    bool m_tls;
    QString m_host;
    quint16 m_port;
    TcpStream* m_plain = nullptr;
    QSslSocket* m_ssl = nullptr;
    QByteArray m_received;  // reused between reads
    std::unique_ptr<http_parser> m_parser;
    LazyTimeout m_timer{[this] { onTimeout(); }};
    QPointer<UpstreamCall> m_call;
    QByteArray m_pendingRequest;  // waiting for the connection to come up
    QByteArray m_sentRequest;     // kept to resend once on a stale keep-alive connection
    QByteArray m_bodyBatch;
    HeaderCollector m_headers;
    bool m_messageDone = false;
    bool m_keepAlive = false;
    int m_responseTimeoutMs = 0;
    int m_idleTimeoutMs = 0;
    int m_requestsServed = 0;
};

}  // namespace ar
