#pragma once

#include <QObject>
#include <QPointer>
#include <QString>

#include "http/HttpRequest.h"

namespace ar {

class UpstreamConnection;

struct UpstreamFailure {
    enum class Kind { Connect, Timeout, Stalled, Protocol, Closed };  // Stalled: silent mid-response
    Kind kind = Kind::Connect;
    QString message;
};

// One request in flight to an upstream. Emits the response head, body bytes as they arrive
// (already de-chunked), then finished() or failed(). Destroying it aborts the request and
// closes its connection, which is how a client disconnect cancels the upstream call.
class UpstreamCall : public QObject {
    Q_OBJECT
public:
    explicit UpstreamCall(QObject* parent) : QObject(parent) {}
    ~UpstreamCall() override;

    int status() const { return m_status; }
    const HttpHeaders& headers() const { return m_headers; }
    QByteArray header(QByteArrayView lowerName) const;
    bool receivedAnything() const { return m_status != 0; }

Q_SIGNALS:
    void responseHead(int status);
    void bodyData(const QByteArray& data);
    void finished();
    void failed(const ar::UpstreamFailure& failure);

private:
    friend class UpstreamConnection;
    friend class UpstreamPool;
    friend struct UpstreamParserCallbacks;
    QPointer<UpstreamConnection> m_connection;
    int m_status = 0;
    bool m_headEmitted = false;
    HttpHeaders m_headers;
};

}  // namespace ar
