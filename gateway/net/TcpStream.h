#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QString>
#include <initializer_list>

class QSocketNotifier;

namespace ar {

// A TCP connection on a raw non-blocking socket, driven by QSocketNotifier: one recv() per
// readiness, writes straight to the kernel, and a buffer only for what the kernel did not
// take. QTcpSocket writes on the next poll that reports the socket writable (an extra event
// loop turn per write), asks FIONREAD before each read, and toggles its write notifier around
// every write, which wakes the event loop through its eventfd: on the proxy's hot path that
// was half of all system calls. Plain TCP only; TLS upstreams keep QSslSocket.
class TcpStream : public QObject {
    Q_OBJECT
public:
    explicit TcpStream(QObject* parent = nullptr);
    ~TcpStream() override;  // closes the socket, without signals

    // An accepted, connected socket; takes ownership of `fd`.
    bool adopt(qintptr fd);
    // Resolves `host` if it is a name, then connects to its addresses in turn until one
    // answers ("localhost" is often ::1 first while the server listens on 127.0.0.1):
    // connected(), or errorOccurred() once all have failed.
    void connectToHost(const QString& host, quint16 port);
    void connectToAddresses(const QList<QHostAddress>& addresses, quint16 port);

    bool isConnected() const { return m_state == State::Connected; }
    QByteArray peerAddress() const;
    QString errorString() const { return m_error; }

    // Appends what has arrived to `out`. At the end of the stream (or an error) the stream
    // emits disconnected() once readyRead()'s handlers return.
    void readInto(QByteArray& out);
    // Sends now what the kernel takes and the rest as the peer reads.
    void write(const QByteArray& bytes);
    // The same for bytes in up to 8 pieces, sent together (sendmsg).
    void write(std::initializer_list<QByteArrayView> parts);
    qsizetype bytesToWrite() const { return m_out.size() - m_outOffset; }

    // Closes once everything written is sent, then emits disconnected().
    void disconnectFromHost();
    // Closes now; no signal.
    void abort();

Q_SIGNALS:
    void connected();
    void readyRead();
    void disconnected();   // after connected(): the peer closed, the connection broke, or ours
    void errorOccurred();  // before connected(): resolving or connecting failed

private:
    enum class State { Idle, Resolving, Connecting, Connected, Closing, Closed };

    void connectNext();  // to the next of m_addresses
    void connectFailed(const QString& error);
    void watch();
    void onReadable();
    void onWritable();
    void flushOut();
    void fail(const QString& error);  // after connected: closes and emits disconnected()
    void closeSocket();

    int m_fd = -1;
    State m_state = State::Idle;
    QSocketNotifier* m_readNotifier = nullptr;
    QSocketNotifier* m_writeNotifier = nullptr;
    QByteArray m_out;  // not yet taken by the kernel, from m_outOffset
    qsizetype m_outOffset = 0;
    bool m_eof = false;
    quint16 m_port = 0;
    QList<QHostAddress> m_addresses;  // still to try
    QString m_error;
};

}  // namespace ar
