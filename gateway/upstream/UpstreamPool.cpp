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
    QByteArray target = url.path(QUrl::FullyEncoded).toUtf8();
    if (target.isEmpty()) target = "/";
    if (url.hasQuery()) target += '?' + url.query(QUrl::FullyEncoded).toUtf8();
    const bool defaultPort = url.port() < 0;
    QByteArray out;
    out.reserve(request.body.size() + 512);
    out += request.method + ' ' + target + " HTTP/1.1\r\nHost: " + url.host().toUtf8();
    if (!defaultPort) out += ':' + QByteArray::number(url.port());
    out += "\r\n";
    for (const auto& [name, value] : request.headers) out += name + ": " + value + "\r\n";
    out += "Content-Length: " + QByteArray::number(request.body.size()) + "\r\n";
    out += "Connection: keep-alive\r\n\r\n";
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
