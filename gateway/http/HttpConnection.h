#pragma once

#include <QObject>
#include <QPointer>
#include <functional>
#include <memory>

#include "core/LazyTimeout.h"
#include "http/HeaderCollector.h"
#include "http/HttpLimits.h"
#include "http/HttpRequest.h"

struct http_parser;

namespace ar {

class HttpResponder;
class TcpStream;

// Receives each complete request with the responder that answers it.
using RequestCallback = std::function<void(HttpRequest&&, HttpResponder*)>;

// One client connection: parses requests with http-parser, hands each to the callback, and
// answers pipelined requests strictly in order by parsing the next one only after the
// current response is finished. Enforces the header, body and timeout limits.
class HttpConnection : public QObject {
    Q_OBJECT
public:
    HttpConnection(TcpStream* socket, const HttpLimits& limits, RequestCallback onRequest,
                   QObject* parent = nullptr);
    ~HttpConnection() override;

    bool isOpen() const;
    void writeBytes(const QByteArray& bytes);
    void writeParts(std::initializer_list<QByteArrayView> parts);  // sent together
    // Called by the responder when its response is complete.
    void responseFinished(HttpResponder* responder, bool keepAlive);

Q_SIGNALS:
    void closed();

private:
    friend struct HttpParserCallbacks;
    enum class State { Idle, Receiving, Processing, Closing };

    void onReadyRead();
    void parseBuffered();
    void dispatchRequest();
    void failAndClose(int status, const QString& message);
    void onTimeout();
    void onDisconnected();
    void armTimer(int ms);

    TcpStream* m_socket;
    HttpLimits m_limits;
    RequestCallback m_onRequest;
    std::unique_ptr<http_parser> m_parser;
    LazyTimeout m_timer{[this] { onTimeout(); }};
    State m_state = State::Idle;

    QByteArray m_peer;        // the client's address, as requests report it
    QByteArray m_in;          // received, not yet parsed
    HttpRequest m_request;    // being parsed
    QByteArray m_url;
    HeaderCollector m_headers;
    qint64 m_headerBytes = 0;
    int m_errorStatus = 0;
    bool m_messageComplete = false;
    bool m_keepAlive = true;
    QPointer<HttpResponder> m_responder;
    // The last finished responder (and the exchange parented to it), deleted once the stack
    // that finished it has unwound: at the next read or response. deleteLater() would cost
    // an event loop wake-up per request.
    QPointer<HttpResponder> m_spent;
};

}  // namespace ar
