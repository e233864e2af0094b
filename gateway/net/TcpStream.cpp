#include "net/TcpStream.h"

#include <QHostAddress>
#include <QHostInfo>
#include <QPointer>
#include <QSocketNotifier>
#include <arpa/inet.h>
#include <cerrno>
#include <fcntl.h>
#include <cstring>
#include <netinet/in.h>
#include <memory>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

namespace ar {

namespace {

QString systemError(int err) { return QString::fromLocal8Bit(std::strerror(err)); }

void setLowDelay(int fd) {
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

}  // namespace

TcpStream::TcpStream(QObject* parent) : QObject(parent) {}

TcpStream::~TcpStream() { closeSocket(); }

bool TcpStream::adopt(qintptr fd) {
    closeSocket();
    m_fd = int(fd);
    const int flags = ::fcntl(m_fd, F_GETFL);
    if (flags < 0 || ::fcntl(m_fd, F_SETFL, flags | O_NONBLOCK) < 0) {
        m_error = systemError(errno);
        closeSocket();
        return false;
    }
    setLowDelay(m_fd);
    m_state = State::Connected;
    watch();
    return true;
}

void TcpStream::connectToHost(const QString& host, quint16 port) {
    m_port = port;
    QHostAddress address;
    if (address.setAddress(host)) {
        connectToAddresses({address}, port);
        return;
    }
    // A name: Qt resolves it on its own thread pool, with a short-lived cache.
    m_state = State::Resolving;
    QHostInfo::lookupHost(host, this, [this, host](const QHostInfo& info) {
        if (m_state != State::Resolving) return;
        m_addresses.clear();
        for (const QHostAddress& a : info.addresses()) {
            if (a.protocol() == QAbstractSocket::IPv4Protocol || a.protocol() == QAbstractSocket::IPv6Protocol)
                m_addresses.append(a);
        }
        if (m_addresses.isEmpty()) {
            m_state = State::Closed;
            m_error = info.error() != QHostInfo::NoError ? info.errorString()
                                                         : QStringLiteral("Host %1 not found").arg(host);
            Q_EMIT errorOccurred();
            return;
        }
        connectNext();
    });
}

void TcpStream::connectToAddresses(const QList<QHostAddress>& addresses, quint16 port) {
    m_port = port;
    m_addresses = addresses;
    if (m_addresses.isEmpty()) {
        m_error = QStringLiteral("No address to connect to");
        Q_EMIT errorOccurred();
        return;
    }
    connectNext();
}

void TcpStream::connectNext() {
    const QHostAddress address = m_addresses.takeFirst();
    sockaddr_storage storage{};
    socklen_t length = 0;
    if (address.protocol() == QAbstractSocket::IPv6Protocol) {
        auto* sa = reinterpret_cast<sockaddr_in6*>(&storage);
        sa->sin6_family = AF_INET6;
        sa->sin6_port = htons(m_port);
        const Q_IPV6ADDR ip = address.toIPv6Address();
        std::memcpy(&sa->sin6_addr, &ip, sizeof ip);
        sa->sin6_scope_id = address.scopeId().toUInt();
        length = sizeof(sockaddr_in6);
    } else {
        auto* sa = reinterpret_cast<sockaddr_in*>(&storage);
        sa->sin_family = AF_INET;
        sa->sin_port = htons(m_port);
        sa->sin_addr.s_addr = htonl(address.toIPv4Address());
        length = sizeof(sockaddr_in);
    }
    m_fd = ::socket(storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (m_fd < 0) {
        connectFailed(systemError(errno));
        return;
    }
    setLowDelay(m_fd);
    m_state = State::Connecting;
    if (::connect(m_fd, reinterpret_cast<sockaddr*>(&storage), length) == 0) {
        m_state = State::Connected;
        watch();
        Q_EMIT connected();
        return;
    }
    if (errno != EINPROGRESS) {
        connectFailed(systemError(errno));
        return;
    }
    watch();  // the connect's outcome arrives as writability
    m_readNotifier->setEnabled(false);
    m_writeNotifier->setEnabled(true);
}

void TcpStream::connectFailed(const QString& error) {
    m_error = error;
    closeSocket();
    if (!m_addresses.isEmpty()) {
        connectNext();
        return;
    }
    Q_EMIT errorOccurred();
}

void TcpStream::watch() {
    m_readNotifier = new QSocketNotifier(m_fd, QSocketNotifier::Read, this);
    connect(m_readNotifier, &QSocketNotifier::activated, this, &TcpStream::onReadable);
    m_writeNotifier = new QSocketNotifier(m_fd, QSocketNotifier::Write, this);
    m_writeNotifier->setEnabled(false);
    connect(m_writeNotifier, &QSocketNotifier::activated, this, &TcpStream::onWritable);
}

QByteArray TcpStream::peerAddress() const {
    sockaddr_storage storage{};
    socklen_t length = sizeof storage;
    if (m_fd < 0 || ::getpeername(m_fd, reinterpret_cast<sockaddr*>(&storage), &length) != 0) return {};
    QHostAddress address(reinterpret_cast<sockaddr*>(&storage));
    return address.toString().toUtf8();
}

void TcpStream::onReadable() {
    QPointer<TcpStream> self(this);
    Q_EMIT readyRead();
    if (!self) return;
    if (m_eof && m_state != State::Closed) fail(m_error);
}

void TcpStream::readInto(QByteArray& out) {
    if (m_fd < 0 || m_eof) return;
    // Through one buffer per thread, so a connection's own buffer grows only by what came
    // (receiving straight into it left 64 KB of capacity behind on every connection).
    constexpr qsizetype kChunk = 64 * 1024;
    thread_local std::unique_ptr<char[]> scratch(new char[kChunk]);
    for (;;) {
        const ssize_t n = ::recv(m_fd, scratch.get(), size_t(kChunk), 0);
        if (n > 0) out.append(scratch.get(), qsizetype(n));
        if (n > 0 && n < kChunk) return;  // drained: no second recv just to hear EAGAIN
        if (n > 0) continue;
        if (n == 0) {
            m_eof = true;
            m_error = QStringLiteral("The remote host closed the connection");
        } else if (errno == EINTR) {
            continue;
        } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
            m_eof = true;
            m_error = systemError(errno);
        }
        return;
    }
}

void TcpStream::write(const QByteArray& bytes) { write({QByteArrayView(bytes)}); }

void TcpStream::write(std::initializer_list<QByteArrayView> parts) {
    if (m_state != State::Connected) return;
    if (bytesToWrite() > 0) {  // keep the order: behind what is waiting
        for (QByteArrayView p : parts) m_out.append(p);
        return;
    }
    constexpr size_t kMaxParts = 8;
    iovec iov[kMaxParts];
    size_t count = 0;
    qsizetype total = 0;
    for (QByteArrayView p : parts) {
        if (p.isEmpty()) continue;
        Q_ASSERT(count < kMaxParts);
        iov[count++] = {const_cast<char*>(p.data()), size_t(p.size())};
        total += p.size();
    }
    if (total == 0) return;
    // One system call for a head and a body that live apart: no copy to join them.
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = count;
    ssize_t n;
    do {
        n = ::sendmsg(m_fd, &msg, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
        // Reported as disconnected() from the event loop, not inside the caller's write.
        m_error = systemError(errno);
        m_eof = true;
        m_readNotifier->setEnabled(true);
        return;
    }
    qsizetype skip = qMax<qsizetype>(n, 0);
    if (skip == total) return;
    // The kernel took part of it: keep the rest, sent as the peer reads.
    m_out.clear();
    m_out.reserve(total - skip);
    for (QByteArrayView p : parts) {
        if (skip >= p.size()) {
            skip -= p.size();
            continue;
        }
        m_out.append(p.sliced(skip));
        skip = 0;
    }
    m_outOffset = 0;
    m_writeNotifier->setEnabled(true);
}

void TcpStream::onWritable() {
    if (m_state == State::Connecting) {
        int err = 0;
        socklen_t length = sizeof err;
        if (::getsockopt(m_fd, SOL_SOCKET, SO_ERROR, &err, &length) != 0) err = errno;
        if (err != 0) {
            connectFailed(systemError(err));
            return;
        }
        m_state = State::Connected;
        m_writeNotifier->setEnabled(false);
        m_readNotifier->setEnabled(true);
        Q_EMIT connected();
        return;
    }
    flushOut();
}

void TcpStream::flushOut() {
    while (bytesToWrite() > 0) {
        const ssize_t n = ::send(m_fd, m_out.constData() + m_outOffset, size_t(bytesToWrite()), MSG_NOSIGNAL);
        if (n > 0) {
            m_outOffset += n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return;  // the notifier stays on
        } else {
            fail(systemError(errno));
            return;
        }
    }
    m_out.clear();
    m_outOffset = 0;
    m_writeNotifier->setEnabled(false);
    if (m_state == State::Closing) fail({});
}

void TcpStream::disconnectFromHost() {
    if (m_state != State::Connected) return;
    if (bytesToWrite() > 0) {
        m_state = State::Closing;  // flushOut() finishes it
        return;
    }
    fail({});
}

void TcpStream::fail(const QString& error) {
    if (m_state == State::Closed) return;
    if (!error.isEmpty()) m_error = error;
    const bool wasConnected = m_state == State::Connected || m_state == State::Closing;
    closeSocket();
    if (wasConnected) Q_EMIT disconnected();
}

void TcpStream::abort() { closeSocket(); }

void TcpStream::closeSocket() {
    // Later: this may run inside one of their own activated() signals.
    for (QSocketNotifier* n : {m_readNotifier, m_writeNotifier}) {
        if (!n) continue;
        n->setEnabled(false);
        n->deleteLater();
    }
    m_readNotifier = nullptr;
    m_writeNotifier = nullptr;
    if (m_fd >= 0) ::close(m_fd);
    m_fd = -1;
    m_state = State::Closed;
    m_out.clear();
    m_outOffset = 0;
}

}  // namespace ar
