#include "upstream/UpstreamPool.h"

#include "upstream/UpstreamConnection.h"

namespace ar {

namespace {

QString poolKey(const QUrl& url) {
    return url.scheme() + QLatin1String("://") + url.host() + QLatin1Char(':') +
           QString::number(url.port(url.scheme() == QLatin1String("https") ? 443 : 80));
}

QByteArray serialise(const UpstreamRequest& request) {
    const QUrl& url = request.url;
    const QByteArray path = url.path(QUrl::FullyEncoded).toUtf8();
    QByteArray out;
    out.reserve(request.body.size() + 512);
    // Piece by piece: `a + b + c` on QByteArray builds a temporary per '+', on every request.
    out += request.method;
    out += ' ';
    out += path.isEmpty() ? QByteArray("/") : path;
    if (url.hasQuery()) {
        out += '?';
        out += url.query(QUrl::FullyEncoded).toUtf8();
    }
    out += " HTTP/1.1\r\nHost: ";
    out += url.host().toUtf8();
    if (url.port() >= 0) {
        out += ':';
        out += QByteArray::number(url.port());
    }
    out += "\r\n";
    for (const auto& [name, value] : request.headers) {
        out += name;
        out += ": ";
        out += value;
        out += "\r\n";
    }
    out += "Content-Length: ";
    out += QByteArray::number(request.body.size());
    out += "\r\nConnection: keep-alive\r\n\r\n";
    out += request.body;
    return out;
}

}  // namespace

UpstreamPool::UpstreamPool(QObject* parent) : QObject(parent) {}

UpstreamPool::~UpstreamPool() = default;

UpstreamConnection* UpstreamPool::acquire(const QUrl& url, const QString& caFile) {
    const QString key = poolKey(url) + QLatin1Char('|') + caFile;
    auto it = m_idle.find(key);
    while (it != m_idle.end() && !it->isEmpty()) {
        UpstreamConnection* c = it->takeLast();
        if (c->reusable()) return c;
        c->deleteLater();
    }
    const bool tls = url.scheme() == QLatin1String("https");
    auto* connection =
        new UpstreamConnection(this, key, tls, url.host(), quint16(url.port(tls ? 443 : 80)));
    if (tls && !caFile.isEmpty()) connection->trustCaFile(caFile);
    return connection;
}

UpstreamCall* UpstreamPool::send(const UpstreamRequest& request, int responseTimeoutMs,
                                 QObject* owner) {
    auto* call = new UpstreamCall(owner);
    acquire(request.url, request.caFile)
        ->start(call, serialise(request), kConnectTimeoutMs, responseTimeoutMs, request.idleTimeoutMs);
    return call;
}

void UpstreamPool::release(UpstreamConnection* connection) {
    QList<UpstreamConnection*>& list = m_idle[connection->key()];
    if (list.size() >= kMaxIdlePerHost) {
        connection->deleteLater();
        return;
    }
    list.append(connection);
}

void UpstreamPool::discard(UpstreamConnection* connection) {
    auto it = m_idle.find(connection->key());
    if (it != m_idle.end()) it->removeAll(connection);
    connection->deleteLater();
}

int UpstreamPool::idleConnections() const {
    int n = 0;
    for (const auto& list : m_idle) n += int(list.size());
    return n;
}

}  // namespace ar
