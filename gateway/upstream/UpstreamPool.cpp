#include "upstream/UpstreamPool.h"

#include "core/SameUrl.h"
#include "core/TextAppend.h"
#include "upstream/UpstreamConnection.h"

namespace ar {

namespace {

QByteArray requestHead(const QByteArray& method, const QUrl& url) {
    const QByteArray path = url.path(QUrl::FullyEncoded).toUtf8();
    QByteArray out = method;
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
    return out;
}

// The request line, Host and the translator's headers: the same for every request to a
// target while the headers are (the translators reuse one list per provider).
QByteArray headBlock(const QByteArray& head, const HttpHeaders& headers) {
    QByteArray out;
    out.reserve(head.size() + 256);
    out += head;
    for (const auto& [name, value] : headers) {
        out += name;
        out += ": ";
        out += value;
        out += "\r\n";
    }
    return out;
}

QByteArray serialise(const QByteArray& block, const QByteArray& body) {
    QByteArray out;
    out.reserve(block.size() + body.size() + 64);
    out.append(block);
    out.append("Content-Length: ");
    text::appendNumber(out, body.size());
    out.append("\r\nConnection: keep-alive\r\n\r\n");
    out.append(body);
    return out;
}

}  // namespace

UpstreamPool::UpstreamPool(QObject* parent) : QObject(parent) {}

UpstreamPool::~UpstreamPool() = default;

UpstreamPool::Target& UpstreamPool::target(const UpstreamRequest& request) {
    for (qsizetype i = 0; i < m_targets.size(); ++i) {
        if (sameUrl(m_targets[i].url, request.url) && m_targets[i].caFile == request.caFile &&
            m_targets[i].method == request.method)
            return m_targets[i];
    }
    Target t;
    t.url = request.url;
    t.caFile = request.caFile;
    t.method = request.method;
    t.tls = request.url.scheme() == QLatin1String("https");
    t.host = request.url.host();
    t.port = quint16(request.url.port(t.tls ? 443 : 80));
    t.key = request.url.scheme() + QLatin1String("://") + t.host + QLatin1Char(':') + QString::number(t.port) +
            QLatin1Char('|') + request.caFile;
    t.head = requestHead(request.method, request.url);
    if (m_targets.size() >= kMaxTargets) m_targets.removeLast();
    m_targets.prepend(std::move(t));
    return m_targets.first();
}

UpstreamConnection* UpstreamPool::acquire(const Target& target) {
    auto it = m_idle.find(target.key);
    while (it != m_idle.end() && !it->isEmpty()) {
        UpstreamConnection* c = it->takeLast();
        if (c->reusable()) return c;
        c->deleteLater();
    }
    auto* connection = new UpstreamConnection(this, target.key, target.tls, target.host, target.port);
    if (target.tls && !target.caFile.isEmpty()) connection->trustCaFile(target.caFile);
    return connection;
}

UpstreamCall* UpstreamPool::send(const UpstreamRequest& request, int responseTimeoutMs,
                                 QObject* owner, UpstreamListener* listener) {
    auto* call = new UpstreamCall(owner, listener);
    Target& t = target(request);
    if (t.block.isEmpty() || t.headers != request.headers) {
        t.headers = request.headers;
        t.block = headBlock(t.head, t.headers);
    }
    acquire(t)->start(call, serialise(t.block, request.body), kConnectTimeoutMs, responseTimeoutMs,
                      request.idleTimeoutMs);
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
