#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QVarLengthArray>
#include <memory>

#include "auth/KeyStore.h"
#include "events/RequestEvent.h"
#include "http/SseParser.h"
#include "providers/Translator.h"
#include "routing/ModelRouter.h"
#include "upstream/UpstreamCall.h"

namespace ar {

class HttpResponder;
class UpstreamPool;
struct GatewayContext;

// One proxied /v1 request: tries its targets in order, translating the request for each
// provider, and relays the answer (whole or streamed) to the client. Fails over to the next
// target on connect failure, timeout, 429 and 5xx while no byte has reached the client.
// Parented to the responder: when the client goes away, this and the upstream call die.
class ProxyExchange : public QObject, private UpstreamListener {
    Q_OBJECT
public:
    static constexpr qsizetype kMaxUpstreamBodyBytes = 64 * 1024 * 1024;

    ProxyExchange(GatewayContext& context, UpstreamPool& pool, HttpResponder* responder,
                  RequestEvent started, Endpoint endpoint, ClientRequest request,
                  QList<ResolvedTarget> targets);
    ~ProxyExchange() override;

    void start();

private:
    void tryNextTarget();
    void startRound();
    void upstreamHead(int status) override;
    void upstreamData(const QByteArray& data) override;
    void upstreamFinished() override;
    void upstreamFailed(const UpstreamFailure& failure) override;
    void onClientGone();
    // Provider health for the current attempt; settling a half-open trial exactly once.
    void healthSuccess();
    void healthFailure(const QString& error);
    void releaseProbe();

    bool canFailOver(int status) const;
    void failOrFailOver(const ApiError& error);
    void writeStreamPayloads(const QList<QByteArray>& payloads);
    void endStreamWithError(const ApiError& error);
    void replyError(const ApiError& error);
    // Records the time to first byte; `announce` publishes a FirstByte event, which only a
    // stream needs (a whole answer's Finished event follows at once and carries the time).
    void markFirstByte(bool announce = true);
    // Publishes the Finished event (the ledger journals it) and returns its cost; called before
    // the last bytes go out, so an answer the client saw is never missing from the ledger.
    qint64 finish(int status, const QString& errorCode, const QByteArray& body = {});
    // x-request-id, and which provider, model and attempt answered, as header lines.
    using HeaderLines = QVarLengthArray<char, 256>;
    void appendResponseHeaders(HeaderLines& out) const;
    void beginStream();  // the stream's head with those headers; the first byte is marked
    // Usage and cost so far (see usage/RequestAccounting.h), and the client-visible cost.
    RequestEvent accounted(int status) const;
    // Text relayed so far, for an estimate; the chunks are parsed only when `usage` needs one.
    qint64 relayedChars(const Usage& usage) const;
    QByteArray withCost(const QByteArray& payload);
    void publishDelta();  // the chunks relayed since the last Delta event, if any

    GatewayContext& m_context;
    UpstreamPool& m_pool;
    QPointer<HttpResponder> m_responder;
    RequestEvent m_event;
    Endpoint m_endpoint;
    ClientRequest m_request;
    QList<ResolvedTarget> m_targets;
    qsizetype m_nextTarget = 0;
    int m_round = 1;
    int m_retryAfterMs = -1;  // the last upstream's Retry-After, if any
    qint64 m_attemptStartMs = 0;
    ResolvedTarget m_current;
    qint64 m_probe = 0;  // this attempt is its provider's half-open trial (ProviderHealth token)

    std::unique_ptr<Translator> m_translator;
    QPointer<UpstreamCall> m_call;
    SseParser m_sse;
    QByteArray m_body;       // non-stream or error body being collected
    bool m_upstreamOk = false;
    bool m_streaming = false;
    bool m_finished = false;
    qint64 m_generatedChars = 0;  // text relayed, for estimating usage the provider never sent
    // Chunks relayed before any usage arrived, counted into m_generatedChars only if the answer's
    // length ends up estimated: counting each as it passed parsed every chunk, and the provider's
    // usage almost always comes.
    QList<QByteArray> m_uncountedChunks;
    ApiError m_lastError;
    QElapsedTimer m_clock;
    // Chunks relayed since the last Delta event (only while the window wants them): one event
    // per kDeltaGatherMs, not per chunk. A fast stream's 20 events each built, queued and
    // parsed by the window made the window cost half the gateway's throughput.
    static constexpr qint64 kDeltaGatherMs = 50;
    QByteArray m_pendingDelta;
    qint64 m_lastDeltaMs = 0;
    bool m_deltaTimerArmed = false;
};

}  // namespace ar
