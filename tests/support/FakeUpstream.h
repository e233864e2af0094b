#pragma once

#include <QByteArray>
#include <QList>
#include <QMutex>
#include <QThread>
#include <atomic>
#include <functional>
#include <memory>

#include "http/HttpRequest.h"

namespace ar::test {

// One step of a scripted upstream answer.
struct FakeStep {
    QByteArray bytes;     // raw bytes to write (already framed by the script helpers)
    int delayMs = 0;      // wait before writing
    bool gated = false;   // wait for FakeUpstream::release() before writing
};

// A scripted upstream answer: raw bytes in steps, then keep-alive, close, or never answer.
struct FakeResponse {
    QList<FakeStep> steps;
    bool closeAfter = false;  // close the connection after the last step
    bool hang = false;        // accept the request and never answer

    // Whole JSON response with Content-Length, the way OpenAI sends it.
    static FakeResponse json(int status, const QByteArray& body,
                             const QByteArray& contentType = "application/json");
    // An SSE stream with chunked transfer encoding, one HTTP chunk per event, each event
    // optionally gated or delayed. `events` are whole SSE events including separators.
    static FakeResponse sse(const QList<QByteArray>& events, int delayMs = 0, bool gated = false,
                            const QByteArray& contentType = "text/event-stream; charset=utf-8");
    // Stream cut: the events, then the connection closes without the terminating chunk.
    static FakeResponse cutSse(const QList<QByteArray>& events);
};

// A fake provider on its own thread and loopback port 0. Requests are parsed independently of
// the gateway's own HTTP code; the handler decides each answer.
class FakeUpstream {
public:
    using Handler = std::function<FakeResponse(const HttpRequest&)>;

    // With a certificate and key (PEM files), it speaks HTTPS.
    explicit FakeUpstream(const QString& certFile = {}, const QString& keyFile = {});
    ~FakeUpstream();

    quint16 port() const { return m_port; }
    QString baseUrl() const;  // http(s)://127.0.0.1:<port>/v1
    void setHandler(Handler handler);

    QList<HttpRequest> requests() const;
    int requestCount() const;
    void release();                   // lets one gated step through
    int peerClosedMidResponse() const { return m_peerClosed.load(); }
    int maxConcurrentRequests() const { return m_maxConcurrent.load(); }
    int connectionCount() const { return m_connections.load(); }  // accepted so far

private:
    friend class FakeUpstreamServer;
    std::unique_ptr<QThread> m_thread;
    class FakeUpstreamServer* m_server = nullptr;
    quint16 m_port = 0;
    QString m_certFile, m_keyFile;
    mutable QMutex m_mutex;
    Handler m_handler;
    QList<HttpRequest> m_requests;
    std::atomic<int> m_peerClosed{0};
    std::atomic<int> m_active{0};
    std::atomic<int> m_maxConcurrent{0};
    std::atomic<int> m_connections{0};
};

}  // namespace ar::test
