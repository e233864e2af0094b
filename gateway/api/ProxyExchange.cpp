#include "api/ProxyExchange.h"

#include <QDateTime>

#include "core/GatewayContext.h"
#include "http/HttpResponder.h"
#include "providers/TranslatorFactory.h"
#include "upstream/UpstreamPool.h"

namespace ar {

ProxyExchange::ProxyExchange(GatewayContext& context, UpstreamPool& pool,
                             HttpResponder* responder, RequestEvent started, Endpoint endpoint,
                             QJsonObject request, QByteArray clientBody,
                             QList<ResolvedTarget> targets)
    : QObject(responder),
      m_context(context),
      m_pool(pool),
      m_responder(responder),
      m_event(std::move(started)),
      m_endpoint(endpoint),
      m_request(std::move(request)),
      m_clientBody(std::move(clientBody)),
      m_targets(std::move(targets)) {
    m_clock.start();
    connect(responder, &HttpResponder::clientGone, this, &ProxyExchange::onClientGone);
}

ProxyExchange::~ProxyExchange() {
    if (!m_finished) finish(499, QStringLiteral("client_closed"));
}

void ProxyExchange::start() { tryNextTarget(); }

void ProxyExchange::tryNextTarget() {
    if (m_nextTarget >= m_targets.size()) {
        replyError(m_lastError);
        return;
    }
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
    m_translator->setClientBody(m_clientBody);
    auto upstream = m_translator->buildRequest(m_request, m_current.upstreamModel);
    if (!upstream) {
        // The request itself is wrong for this provider: another target would not help.
        replyError(upstream.error());
        return;
    }
    m_streaming = upstream->stream;
    m_upstreamOk = false;
    m_body.clear();
    m_sse = SseParser{};
    m_call = m_pool.send(*upstream, m_current.provider->timeoutMs, this);
    connect(m_call, &UpstreamCall::responseHead, this, &ProxyExchange::onHead);
    connect(m_call, &UpstreamCall::bodyData, this, &ProxyExchange::onData);
    connect(m_call, &UpstreamCall::finished, this, &ProxyExchange::onFinished);
    connect(m_call, &UpstreamCall::failed, this, &ProxyExchange::onFailed);
}

bool ProxyExchange::canFailOver(int status) const {
    return status == 429 || status >= 500 || status == 408;
}

void ProxyExchange::onHead(int status) { m_upstreamOk = status >= 200 && status < 300; }

void ProxyExchange::onData(const QByteArray& data) {
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
    m_sse.feed(data, events);
    QList<QByteArray> payloads;
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
    if (!m_responder->headersSent()) {
        m_responder->beginStream(200, "text/event-stream; charset=utf-8", responseHeaders());
        markFirstByte();
    }
    QByteArray chunk;
    for (const QByteArray& p : payloads) {
        chunk += "data: ";
        chunk += p;
        chunk += "\n\n";
    }
    m_responder->writeChunk(chunk);
    if (m_context.events->deltasWanted()) {
        RequestEvent delta;
        delta.kind = RequestEvent::Kind::Delta;
        delta.requestId = m_event.requestId;
        delta.timestampMs = QDateTime::currentMSecsSinceEpoch();
        delta.usage = m_translator->usage();
        delta.payload = chunk;
        m_context.events->publish(delta);
    }
}

void ProxyExchange::onFinished() {
    if (!m_upstreamOk) {
        const int status = m_call ? m_call->status() : 502;
        failOrFailOver(m_translator->translateError(status, m_body));
        return;
    }
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
        if (!m_responder->headersSent()) {
            m_responder->beginStream(200, "text/event-stream; charset=utf-8", responseHeaders());
            markFirstByte();
        }
        m_responder->writeChunk(QByteArrayLiteral("data: [DONE]\n\n"));
        m_responder->endStream();
        finish(200, {});
        return;
    }
    auto translated = m_translator->translateResponse(m_body);
    if (!translated) {
        failOrFailOver(translated.error());
        return;
    }
    if (m_responder) {
        markFirstByte();
        m_responder->send(200, "application/json", translated->body, responseHeaders());
    }
    finish(200, {}, translated->body);
}

void ProxyExchange::onFailed(const UpstreamFailure& failure) {
    const QString where = QStringLiteral("provider '%1'").arg(m_current.provider->id);
    ApiError error = failure.kind == UpstreamFailure::Kind::Timeout
                         ? ApiError::gatewayTimeout(QStringLiteral("Timed out waiting for %1: %2").arg(where, failure.message))
                         : ApiError::badGateway(QStringLiteral("Could not reach %1: %2").arg(where, failure.message));
    if (m_responder && m_responder->headersSent()) endStreamWithError(error);
    else failOrFailOver(error);
}

void ProxyExchange::failOrFailOver(const ApiError& error) {
    m_lastError = error;
    if (canFailOver(error.status) && m_nextTarget < m_targets.size()) {
        tryNextTarget();
        return;
    }
    replyError(error);
}

void ProxyExchange::replyError(const ApiError& error) {
    if (m_responder && !m_responder->headersSent()) {
        HttpHeaders headers = responseHeaders();
        if (error.retryAfterSeconds >= 0)
            headers.append({"Retry-After", QByteArray::number(error.retryAfterSeconds)});
        markFirstByte();
        m_responder->send(error.status, "application/json", error.toJson(), headers);
    }
    finish(error.status, error.code.isEmpty() ? error.type : error.code);
}

void ProxyExchange::endStreamWithError(const ApiError& error) {
    // After the first byte an error can only travel in-band: never end it like a success.
    if (m_responder) {
        m_responder->writeChunk("data: " + error.toJson() + "\n\n");
        m_responder->endStream();
    }
    finish(error.status, error.code.isEmpty() ? error.type : error.code);
}

void ProxyExchange::onClientGone() {
    delete m_call;  // cancel the upstream request now, not at the next event loop turn
    if (!m_finished) finish(499, QStringLiteral("client_closed"));
}

void ProxyExchange::markFirstByte() {
    if (m_event.ttfbMs >= 0) return;
    m_event.ttfbMs = m_clock.elapsed();
    RequestEvent e = m_event;
    e.kind = RequestEvent::Kind::FirstByte;
    e.timestampMs = QDateTime::currentMSecsSinceEpoch();
    e.payload.clear();
    m_context.events->publish(e);
}

HttpHeaders ProxyExchange::responseHeaders() const {
    HttpHeaders h{{"x-request-id", "req_" + QByteArray::number(m_event.requestId)}};
    if (!m_event.provider.isEmpty()) {
        h.append({"x-agentrouter-provider", m_event.provider.toUtf8()});
        h.append({"x-agentrouter-upstream-model", m_event.upstreamModel.toUtf8()});
    }
    return h;
}

void ProxyExchange::finish(int status, const QString& errorCode, const QByteArray& body) {
    if (m_finished) return;
    m_finished = true;
    RequestEvent e = m_event;
    e.kind = RequestEvent::Kind::Finished;
    e.timestampMs = QDateTime::currentMSecsSinceEpoch();
    e.status = status;
    e.errorCode = errorCode;
    e.latencyMs = m_clock.elapsed();
    if (m_translator) e.usage = m_translator->usage();
    e.payload = body.left(EventBus::kMaxPayloadBytes);
    m_context.events->publish(e);
}

}  // namespace ar
