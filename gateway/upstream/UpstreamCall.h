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

// Told what happens to an upstream call: the response head, body bytes as they arrive
// (already de-chunked), then finished or failed. Plain virtual calls: connecting four signals
// per request cost more than the calls themselves. The listener may delete the call from any
// of them.
class UpstreamListener {
public:
    virtual void upstreamHead(int status) = 0;
    virtual void upstreamData(const QByteArray& data) = 0;
    virtual void upstreamFinished() = 0;
    virtual void upstreamFailed(const UpstreamFailure& failure) = 0;

protected:
    ~UpstreamListener() = default;
};

// One request in flight to an upstream. Destroying it aborts the request and closes its
// connection, which is how a client disconnect cancels the upstream call. A QObject so that
// it dies with its owner and the connection can tell when it is gone (QPointer).
class UpstreamCall : public QObject {
    Q_OBJECT
public:
    UpstreamCall(QObject* parent, UpstreamListener* listener) : QObject(parent), m_listener(listener) {}
    ~UpstreamCall() override;

    int status() const { return m_status; }
    const HttpHeaders& headers() const { return m_headers; }
    QByteArray header(QByteArrayView lowerName) const;
    bool receivedAnything() const { return m_status != 0; }

private:
    friend class UpstreamConnection;
    friend class UpstreamPool;
    friend struct UpstreamParserCallbacks;
    UpstreamListener* m_listener;
    QPointer<UpstreamConnection> m_connection;
    int m_status = 0;
    bool m_headEmitted = false;
    HttpHeaders m_headers;
};

}  // namespace ar
