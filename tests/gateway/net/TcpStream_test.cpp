// The raw-socket TCP stream the proxy's connections use, on real loopback sockets.
#include "net/TcpStream.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QTcpServer>
#include <QTcpSocket>
#include <gtest/gtest.h>
#include <memory>
#include <unistd.h>

namespace ar::test {
namespace {

bool pumpUntil(const std::function<bool()>& done, int ms = 10'000) {
    QDeadlineTimer deadline(ms);
    while (!done()) {
        if (deadline.hasExpired()) return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
    }
    return true;
}

QByteArray pattern(qsizetype size) {
    QByteArray b(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < size; ++i) b[i] = char('a' + (i * 7 + i / 4096) % 26);
    return b;
}

// A connected pair: `client` connected with connectToHost, `server` adopted from accept().
struct Pair {
    QTcpServer listener;
    std::unique_ptr<TcpStream> client = std::make_unique<TcpStream>();
    std::unique_ptr<TcpStream> server = std::make_unique<TcpStream>();
    bool ok = false;

    explicit Pair(const QString& host = QStringLiteral("127.0.0.1")) {
        listener.listen(QHostAddress::LocalHost, 0);
        // Take the descriptor before Qt wraps it in a QTcpSocket.
        bool connected = false;
        QObject::connect(client.get(), &TcpStream::connected, [&] { connected = true; });
        client->connectToHost(host, listener.serverPort());
        ok = pumpUntil([&] { return connected && listener.hasPendingConnections(); });
        if (!ok) return;
        QTcpSocket* accepted = listener.nextPendingConnection();
        const qintptr fd = ::dup(int(accepted->socketDescriptor()));
        accepted->abort();
        delete accepted;
        ok = server->adopt(fd);
    }
};

TEST(TcpStream, ALargeWriteToASlowReaderIsBufferedAndArrivesWholeAndInOrder) {
    Pair p;
    ASSERT_TRUE(p.ok);
    const QByteArray sent = pattern(16 * 1024 * 1024);
    p.server->write(sent);
    EXPECT_GT(p.server->bytesToWrite(), 0) << "the kernel cannot take 16 MB at once: the rest waits";
    QByteArray received;
    QObject::connect(p.client.get(), &TcpStream::readyRead, [&] { p.client->readInto(received); });
    ASSERT_TRUE(pumpUntil([&] { return received.size() >= sent.size(); }));
    EXPECT_EQ(received.size(), sent.size());
    EXPECT_TRUE(received == sent);
    EXPECT_EQ(p.server->bytesToWrite(), 0);
}

TEST(TcpStream, ClosingAfterALargeWriteSendsEverythingThenReportsTheEnd) {
    Pair p;
    ASSERT_TRUE(p.ok);
    const QByteArray sent = pattern(8 * 1024 * 1024);
    int serverClosed = 0, clientClosed = 0;
    QObject::connect(p.server.get(), &TcpStream::disconnected, [&] { ++serverClosed; });
    QObject::connect(p.client.get(), &TcpStream::disconnected, [&] { ++clientClosed; });
    p.server->write(sent);
    ASSERT_GT(p.server->bytesToWrite(), 0);
    p.server->disconnectFromHost();
    EXPECT_EQ(serverClosed, 0) << "closing waits for the pending bytes";
    QByteArray received;
    QObject::connect(p.client.get(), &TcpStream::readyRead, [&] { p.client->readInto(received); });
    ASSERT_TRUE(pumpUntil([&] { return clientClosed == 1; }));
    EXPECT_TRUE(received == sent) << received.size() << " of " << sent.size() << " bytes";
    EXPECT_EQ(serverClosed, 1);
    EXPECT_FALSE(p.client->isConnected());
    QCoreApplication::processEvents();
    EXPECT_EQ(clientClosed, 1) << "the end is reported once";
}

TEST(TcpStream, BytesSentJustBeforeThePeerClosesAreReadBeforeTheEnd) {
    Pair p;
    ASSERT_TRUE(p.ok);
    QByteArray received;
    bool endSeen = false;
    QByteArray atEnd;
    QObject::connect(p.server.get(), &TcpStream::readyRead, [&] { p.server->readInto(received); });
    QObject::connect(p.server.get(), &TcpStream::disconnected, [&] {
        endSeen = true;
        atEnd = received;
    });
    p.client->write("hello, then goodbye");
    p.client->disconnectFromHost();
    ASSERT_TRUE(pumpUntil([&] { return endSeen; }));
    EXPECT_EQ(atEnd, QByteArray("hello, then goodbye"));
    p.server->write("too late");  // after the end: ignored, no crash, no signal
    EXPECT_FALSE(p.server->isConnected());
}

TEST(TcpStream, WritingToAPeerThatWentAwayEndsTheStreamFromTheEventLoop) {
    Pair p;
    ASSERT_TRUE(p.ok);
    int closed = 0;
    QObject::connect(p.server.get(), &TcpStream::disconnected, [&] { ++closed; });
    QObject::connect(p.server.get(), &TcpStream::readyRead, [&] {
        QByteArray discard;
        p.server->readInto(discard);
    });
    p.client->abort();
    // The first write may still be taken by the kernel; later ones fail with EPIPE/ECONNRESET.
    for (int i = 0; i < 50 && closed == 0; ++i) {
        p.server->write(pattern(64 * 1024));
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
    }
    ASSERT_TRUE(pumpUntil([&] { return closed == 1; }));
    EXPECT_FALSE(p.server->isConnected());
}

TEST(TcpStream, ConnectingToAClosedPortFailsWithTheSystemsReason) {
    QTcpServer probe;
    ASSERT_TRUE(probe.listen(QHostAddress::LocalHost, 0));
    const quint16 port = probe.serverPort();
    probe.close();
    TcpStream s;
    bool failed = false, connected = false;
    QObject::connect(&s, &TcpStream::errorOccurred, [&] { failed = true; });
    QObject::connect(&s, &TcpStream::connected, [&] { connected = true; });
    s.connectToHost(QStringLiteral("127.0.0.1"), port);
    ASSERT_TRUE(pumpUntil([&] { return failed || connected; }));
    EXPECT_TRUE(failed);
    EXPECT_TRUE(s.errorString().contains(QStringLiteral("refused"), Qt::CaseInsensitive)) << s.errorString().toStdString();
}

TEST(TcpStream, AHostNameIsResolvedAndReached) {
    Pair p(QStringLiteral("localhost"));  // the listener is on 127.0.0.1
    ASSERT_TRUE(p.ok) << p.client->errorString().toStdString();
    QByteArray received;
    QObject::connect(p.server.get(), &TcpStream::readyRead, [&] { p.server->readInto(received); });
    p.client->write("ping");
    ASSERT_TRUE(pumpUntil([&] { return received == "ping"; }));
}

TEST(TcpStream, AnAddressThatRefusesIsSkippedForTheNextOne) {
    // As when "localhost" resolves to ::1 first and the server listens on 127.0.0.1 only.
    QTcpServer listener;
    ASSERT_TRUE(listener.listen(QHostAddress::LocalHost, 0));
    TcpStream s;
    bool connected = false, failed = false;
    QObject::connect(&s, &TcpStream::connected, [&] { connected = true; });
    QObject::connect(&s, &TcpStream::errorOccurred, [&] { failed = true; });
    s.connectToAddresses({QHostAddress(QStringLiteral("127.0.0.2")), QHostAddress::LocalHost}, listener.serverPort());
    ASSERT_TRUE(pumpUntil([&] { return connected || failed; }));
    EXPECT_TRUE(connected) << s.errorString().toStdString();
    EXPECT_TRUE(pumpUntil([&] { return listener.hasPendingConnections(); }));
}

TEST(TcpStream, AnUnknownHostNameFails) {
    TcpStream s;
    bool failed = false;
    QObject::connect(&s, &TcpStream::errorOccurred, [&] { failed = true; });
    s.connectToHost(QStringLiteral("no-such-host.invalid"), 80);
    ASSERT_TRUE(pumpUntil([&] { return failed; }, 30'000));
    EXPECT_FALSE(s.errorString().isEmpty());
}

}  // namespace
}  // namespace ar::test
