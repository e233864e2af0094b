#pragma once

#include <QHash>
#include <QList>
#include <QObject>

#include "providers/Translator.h"
#include "upstream/UpstreamCall.h"

namespace ar {

class UpstreamConnection;

// A per-thread pool of keep-alive upstream connections, keyed by scheme, host and port.
// There is no per-host connection limit (unlike QNetworkAccessManager's 6): concurrent
// streams to one local server each get their own connection and run side by side.
class UpstreamPool : public QObject {
    Q_OBJECT
public:
    static constexpr int kConnectTimeoutMs = 10'000;
    static constexpr int kMaxIdlePerHost = 64;
    static constexpr int kIdleCloseMs = 30'000;
    static constexpr qsizetype kMaxTargets = 16;

    explicit UpstreamPool(QObject* parent = nullptr);
    ~UpstreamPool() override;

    // Starts `request`; the returned call is owned by `owner` and reports to `listener`.
    UpstreamCall* send(const UpstreamRequest& request, int responseTimeoutMs, QObject* owner,
                       UpstreamListener* listener);

    int idleConnections() const;

private:
    friend class UpstreamConnection;
    void release(UpstreamConnection* connection);  // back to idle, or closed
    void discard(UpstreamConnection* connection);
    // What a URL means for a request: its pool key, the request line up to the headers, and
    // where to connect. Worked out once per URL (a QUrl's parts cost more than the rest).
    struct Target {
        QUrl url;
        QString caFile;
        QByteArray method;
        QString key;
        QByteArray head;  // "POST /v1/chat/completions HTTP/1.1\r\nHost: h:p\r\n"
        HttpHeaders headers;  // the last request's headers,
        QByteArray block;     // and `head` with them
        bool tls = false;
        QString host;
        quint16 port = 0;
    };
    Target& target(const UpstreamRequest& request);
    UpstreamConnection* acquire(const Target& target);

    QHash<QString, QList<UpstreamConnection*>> m_idle;
    QList<Target> m_targets;  // the few URLs this thread sends to, most recent first
};

}  // namespace ar
