#include "api/ProxyExchange.h"

#include <QDateTime>
#include <QRandomGenerator>
#include <QTimer>
#include <algorithm>
#include <cstring>

#include "core/GatewayContext.h"
#include "core/TextAppend.h"
#include "http/HttpResponder.h"
#include "providers/TranslatorFactory.h"
#include "providers/openai/JsonMember.h"
#include "upstream/UpstreamPool.h"
#include "usage/CostCalculator.h"
#include "usage/RequestAccounting.h"
#include "usage/UsageEstimator.h"

namespace ar {

namespace {
template <qsizetype N>
QByteArrayView view(const QVarLengthArray<char, N>& lines) {
    return {lines.constData(), lines.size()};
}
}  // namespace

ProxyExchange::ProxyExchange(GatewayContext& context, UpstreamPool& pool,
                             HttpResponder* responder, RequestEvent started, Endpoint endpoint,
                             ClientRequest request, QList<ResolvedTarget> targets)
    : QObject(responder),
      m_context(context),
      m_pool(pool),
      m_responder(responder),
      m_event(std::move(started)),
      m_endpoint(endpoint),
      m_request(std::move(request)),
      m_targets(std::move(targets)) {
    m_clock.start();
    responder->setClientGoneHandler([this] { onClientGone(); });
}

ProxyExchange::~ProxyExchange() {
    if (m_responder) m_responder->setClientGoneHandler({});
    if (!m_finished) finish(499, QStringLiteral("client_closed"));
    releaseProbe();
}

void ProxyExchange::start() {
    // Providers marked down go last: still tried, but only after the healthy ones.
    std::stable_partition(m_targets.begin(), m_targets.end(), [this](const ResolvedTarget& t) {
        return !m_context.health.isDown(t.provider->id);
    });
    tryNextTarget();
}

void ProxyExchange::startRound() {
    const RetryPolicy& policy = m_context.config.retry;
    if (m_round >= policy.maxRounds) {
        replyError(m_lastError);
        return;
    }
    ++m_round;
    int delay = policy.backoffMs(m_round, QRandomGenerator::global()->generateDouble());
    if (m_retryAfterMs >= 0) {
        if (m_retryAfterMs > policy.maxRetryAfterMs) {  // the upstream asks for too long a wait
            replyError(m_lastError);
            return;
        }
        delay = qMax(delay, m_retryAfterMs);
    }
    if (m_clock.elapsed() + delay >= policy.deadlineMs) {  // a retry could not finish in time
        replyError(m_lastError);
        return;
    }
    m_nextTarget = 0;
    m_retryAfterMs = -1;
    QTimer::singleShot(delay, this, &ProxyExchange::tryNextTarget);
}

void ProxyExchange::tryNextTarget() {
    releaseProbe();  // a previous attempt that ended without a health verdict
    if (m_nextTarget >= m_targets.size()) {
        startRound();
        return;
    }
    m_attemptStartMs = m_clock.elapsed();
    m_current = m_targets[m_nextTarget++];
    ++m_event.attempts;
    m_event.provider = m_current.provider->id;
    m_event.upstreamModel = m_current.upstreamModel;

    auto translator = makeTranslator(*m_current.provider, m_endpoint);
    if (!translator) {
        failOrFailOver(translator.error());
        return;
    }
    m_translator = std::move(translator.value());
    auto upstream = m_translator->translateRequest(m_request, m_current.upstreamModel);
    if (!upstream) {
        // The request itself is wrong for this provider: another target would not help.
        replyError(upstream.error());
        return;
    }
    m_streaming = upstream->stream;
    m_upstreamOk = false;
    m_body.clear();
    m_sse = SseParser{};
    upstream->caFile = m_current.provider->caFile;
    upstream->idleTimeoutMs = m_current.provider->streamIdleTimeoutMs;
    m_probe = m_context.health.beginAttempt(m_current.provider->id,
                                            m_current.provider->timeoutMs + UpstreamPool::kConnectTimeoutMs);
    m_call = m_pool.send(*upstream, m_current.provider->timeoutMs, this, this);
}

bool ProxyExchange::canFailOver(int status) const {
    return m_context.config.retry.retriable(status);
}

void ProxyExchange::upstreamHead(int status) { m_upstreamOk = status >= 200 && status < 300; }

void ProxyExchange::upstreamData(const QByteArray& data) {
    if (!m_upstreamOk || !m_streaming) {
        if (m_body.size() + data.size() > kMaxUpstreamBodyBytes) {
            delete m_call;
            failOrFailOver(ApiError::badGateway(QStringLiteral("The upstream response is too large."),
                                                QStringLiteral("upstream_response_too_large")));
            return;
        }
        m_body.append(data);
        return;
    }
    QList<SseEvent> events;
    events.reserve(32);
    m_sse.feed(data, events);
    QList<QByteArray> payloads;
    payloads.reserve(events.size());
    for (const SseEvent& e : events) {
        Status s = m_translator->translateEvent(e, payloads);
        if (!s) {
            writeStreamPayloads(payloads);
            delete m_call;
            if (m_responder && m_responder->headersSent()) endStreamWithError(s.error());
            else failOrFailOver(s.error());
            return;
        }
    }
    writeStreamPayloads(payloads);
}

void ProxyExchange::writeStreamPayloads(const QList<QByteArray>& payloads) {
    if (payloads.isEmpty() || !m_responder) return;
    if (!m_responder->headersSent()) beginStream();
    // One allocation for the chunk: QByteArray's appends cost more than the bytes they copy.
    QList<QByteArray> framed;
    framed.reserve(payloads.size());
    qsizetype size = 0;
    for (const QByteArray& p : payloads) {
        framed.append(withCost(p));
        size += framed.last().size() + 8;
    }
    QByteArray chunk(size, Qt::Uninitialized);
    char* out = chunk.data();
    for (const QByteArray& p : framed) {
        std::memcpy(out, "data: ", 6);
        std::memcpy(out + 6, p.constData(), size_t(p.size()));
        std::memcpy(out + 6 + p.size(), "\n\n", 2);
        out += p.size() + 8;
    }
    m_responder->writeChunk(chunk);
    if (m_context.events->wants(RequestEvent::Kind::Delta)) {
        m_pendingDelta += chunk;
        const qint64 since = m_clock.elapsed() - m_lastDeltaMs;
        if (since >= kDeltaGatherMs || m_pendingDelta.size() >= EventBus::kMaxPayloadBytes) {
            publishDelta();
        } else if (!m_deltaTimerArmed) {  // a chunk followed by a pause is shown anyway
            m_deltaTimerArmed = true;
            QTimer::singleShot(int(kDeltaGatherMs - since), this, [this] {
                m_deltaTimerArmed = false;
                publishDelta();
            });
        }
    }
}

void ProxyExchange::publishDelta() {
    if (m_pendingDelta.isEmpty()) return;
    RequestEvent delta;
    delta.kind = RequestEvent::Kind::Delta;
    delta.requestId = m_event.requestId;
    delta.timestampMs = QDateTime::currentMSecsSinceEpoch();
    delta.usage = m_translator ? m_translator->usage() : Usage{};
    delta.payload = std::move(m_pendingDelta);
    m_pendingDelta = {};
    m_lastDeltaMs = m_clock.elapsed();
    m_context.events->publish(delta);
}

void ProxyExchange::upstreamFinished() {
    if (!m_upstreamOk) {
        const int status = m_call ? m_call->status() : 502;
        ApiError error = m_translator->translateError(status, m_body);
        bool ok = false;
        const int retryAfter = m_call ? m_call->header("retry-after").trimmed().toInt(&ok) : 0;
        if (ok && retryAfter >= 0) error.retryAfterSeconds = retryAfter;
        if (error.retryAfterSeconds >= 0) m_retryAfterMs = error.retryAfterSeconds * 1000;
        if (canFailOver(status)) healthFailure(error.message);
        else releaseProbe();  // e.g. a 400: says nothing about the provider's health
        failOrFailOver(error);
        return;
    }
    healthSuccess();
    if (m_streaming) {
        QList<QByteArray> payloads;
        Status s = m_translator->finishStream(payloads);
        writeStreamPayloads(payloads);
        if (!s) {
            if (m_responder && m_responder->headersSent()) endStreamWithError(s.error());
            else failOrFailOver(s.error());
            return;
        }
        if (!m_responder) return;
        if (!m_responder->headersSent()) beginStream();
        finish(200, {});  // ledgered before the client can see the end
        m_responder->writeChunk(QByteArrayLiteral("data: [DONE]\n\n"));
        m_responder->endStream();
        return;
    }
    auto translated = m_translator->translateResponse(m_body);
    if (!translated) {
        failOrFailOver(translated.error());
        return;
    }
    if (!translated->usage.known()) m_generatedChars = usage_estimate::generatedChars(translated->body);
    if (m_responder) markFirstByte(false);  // the Finished event right after carries it
    const qint64 costMicros = finish(200, {}, translated->body);  // ledgered before it is sent
    if (m_responder) {
        HeaderLines headers;
        appendResponseHeaders(headers);
        text::appendHeaderLine(headers, "x-agentrouter-cost-usd", formatUsd(costMicros));
        m_responder->send(200, "application/json", translated->body, view(headers));
    }
}

void ProxyExchange::upstreamFailed(const UpstreamFailure& failure) {
    const QString where = QStringLiteral("provider '%1'").arg(m_current.provider->id);
    healthFailure(failure.message);
    ApiError error = failure.kind == UpstreamFailure::Kind::Timeout
                         ? ApiError::gatewayTimeout(QStringLiteral("Timed out waiting for %1: %2").arg(where, failure.message))
                         : ApiError::badGateway(QStringLiteral("Could not reach %1: %2").arg(where, failure.message));
    if (failure.kind == UpstreamFailure::Kind::Stalled) {
        error = ApiError::gatewayTimeout(QStringLiteral("The upstream %1 stalled: %2").arg(where, failure.message));
        error.code = QStringLiteral("upstream_stream_stalled");
    }
    if (failure.kind == UpstreamFailure::Kind::Closed && m_upstreamOk)
        error = ApiError::badGateway(QStringLiteral("The upstream %1 closed the connection mid-response.").arg(where),
                                     QStringLiteral("upstream_stream_cut"));
    if (m_responder && m_responder->headersSent()) endStreamWithError(error);
    else failOrFailOver(error);
}

void ProxyExchange::failOrFailOver(const ApiError& error) {
    m_lastError = error;
    if (canFailOver(error.status) && (m_responder && !m_responder->headersSent())) {
        tryNextTarget();  // next target, or the next round after a backoff
        return;
    }
    replyError(error);
}

void ProxyExchange::replyError(const ApiError& error) {
    const bool send = m_responder && !m_responder->headersSent();
    if (send) markFirstByte(false);
    finish(error.status, error.code.isEmpty() ? error.type : error.code);  // before the client sees it
    if (send) {
        HeaderLines headers;
        appendResponseHeaders(headers);
        if (error.retryAfterSeconds >= 0)
            text::appendHeaderLine(headers, "Retry-After", QByteArray::number(error.retryAfterSeconds));
        m_responder->send(error.status, "application/json", error.toJson(), view(headers));
    }
}

void ProxyExchange::endStreamWithError(const ApiError& error) {
    finish(error.status, error.code.isEmpty() ? error.type : error.code);
    // After the first byte an error can only travel in-band: never end it like a success.
    if (m_responder) {
        m_responder->writeChunk("data: " + error.toJson() + "\n\n");
        m_responder->endStream();
    }
}

void ProxyExchange::onClientGone() {
    delete m_call;  // cancel the upstream request now, not at the next event loop turn
    releaseProbe();
    if (!m_finished) finish(499, QStringLiteral("client_closed"));
}

void ProxyExchange::healthSuccess() {
    m_context.health.recordSuccess(m_current.provider->id, m_clock.elapsed() - m_attemptStartMs);
    m_probe = 0;
}

void ProxyExchange::healthFailure(const QString& error) {
    m_context.health.recordFailure(m_current.provider->id, error);
    m_probe = 0;
}

void ProxyExchange::releaseProbe() {
    if (m_probe == 0) return;
    m_context.health.abandonProbe(m_current.provider->id, m_probe);
    m_probe = 0;
}

void ProxyExchange::markFirstByte(bool announce) {
    if (m_event.ttfbMs >= 0) return;
    m_event.ttfbMs = m_clock.elapsed();
    if (!announce || !m_context.events->wants(RequestEvent::Kind::FirstByte)) return;
    RequestEvent e = m_event;
    e.kind = RequestEvent::Kind::FirstByte;
    e.timestampMs = QDateTime::currentMSecsSinceEpoch();
    e.payload.clear();
    m_context.events->publish(e);
}

void ProxyExchange::appendResponseHeaders(HeaderLines& out) const {
    text::append(out, "x-request-id: req_");
    text::appendNumber(out, qint64(m_event.requestId));
    text::append(out, "\r\n");
    if (!m_event.provider.isEmpty()) {
        text::append(out, "x-agentrouter-provider: ");
        text::appendUtf8(out, m_event.provider);
        text::append(out, "\r\nx-agentrouter-upstream-model: ");
        text::appendUtf8(out, m_event.upstreamModel);
        text::append(out, "\r\nx-agentrouter-attempts: ");
        text::appendNumber(out, m_event.attempts);
        text::append(out, "\r\n");
    }
}

void ProxyExchange::beginStream() {
    HeaderLines headers;
    appendResponseHeaders(headers);
    m_responder->beginStream(200, "text/event-stream; charset=utf-8", view(headers));
    markFirstByte();
}

qint64 ProxyExchange::finish(int status, const QString& errorCode, const QByteArray& body) {
    releaseProbe();
    if (m_finished) return -1;
    m_finished = true;
    publishDelta();  // the live log gets the last chunks before the row finishes
    RequestEvent e = m_event;
    e.kind = RequestEvent::Kind::Finished;
    e.timestampMs = QDateTime::currentMSecsSinceEpoch();
    e.status = status;
    e.errorCode = errorCode;
    e.latencyMs = m_clock.elapsed();
    if (m_translator) e.usage = m_translator->usage();
    accountRequest(e, m_endpoint, m_request, relayedChars(e.usage), m_upstreamOk, m_context.prices);
    m_uncountedChunks.clear();
    // Bodies are for the live log only (the window also wants Started events); headless, a
    // large answer is not copied for nobody.
    if (m_context.events->wants(RequestEvent::Kind::Started)) e.payload = body.left(EventBus::kMaxPayloadBytes);
    m_context.events->publish(e);
    // This object may outlive the answer a while (until the connection's next request):
    // let the bodies go now.
    m_request = {};
    m_body = {};
    return e.costMicros;
}

qint64 ProxyExchange::relayedChars(const Usage& usage) const {
    if (usage.completionTokens >= 0) return m_generatedChars;  // not needed: nothing is estimated
    qint64 chars = m_generatedChars;
    for (const QByteArray& chunk : m_uncountedChunks) chars += usage_estimate::generatedChars(chunk);
    return chars;
}

RequestEvent ProxyExchange::accounted(int status) const {
    RequestEvent e = m_event;
    e.status = status;
    if (m_translator) e.usage = m_translator->usage();
    accountRequest(e, m_endpoint, m_request, relayedChars(e.usage), m_upstreamOk, m_context.prices);
    return e;
}

QByteArray ProxyExchange::withCost(const QByteArray& payload) {
    if (!m_translator->usage().known()) {
        if (m_uncountedChunks.capacity() == 0) m_uncountedChunks.reserve(32);
        m_uncountedChunks.append(payload);  // shares the bytes
        return payload;
    }
    // The usage chunk (only clients that asked for include_usage get one): append the cost
    // as "x_agentrouter":{"cost_usd":<number|null>,"cost_micros":<int>,"usage_estimated":bool}
    // before the closing brace, leaving the provider's bytes as they were.
    if (!json_member::mentionsUsageObject(payload)) return payload;
    const QByteArray trimmed = payload.trimmed();
    if (!trimmed.endsWith('}')) return payload;
    const RequestEvent e = accounted(200);
    const QByteArray cost = e.costMicros < 0 ? QByteArray("null") : formatUsd(e.costMicros);
    return trimmed.chopped(1) + ",\"x_agentrouter\":{\"cost_usd\":" + cost + ",\"cost_micros\":" +
           QByteArray::number(e.costMicros) + ",\"usage_estimated\":" +
           (e.usage.estimated ? "true" : "false") + "}}";
}

}  // namespace ar
