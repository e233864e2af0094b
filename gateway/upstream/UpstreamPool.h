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

    explicit UpstreamPool(QObject* parent = nullptr);
    ~UpstreamPool() override;

    // Starts `request`; the returned call is owned by `owner`.
    UpstreamCall* send(const UpstreamRequest& request, int responseTimeoutMs, QObject* owner);

    int idleConnections() const;

private:
    friend class UpstreamConnection;
    void release(UpstreamConnection* connection);  // back to idle, or closed
    void discard(UpstreamConnection* connection);
    UpstreamConnection* acquire(const QUrl& url, const QString& caFile);

    QHash<QString, QList<UpstreamConnection*>> m_idle;
};

}  // namespace ar
