#include "providers/anthropic/AnthropicStreamState.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

namespace ar::anthropic {

namespace {

const QString kFunction = QStringLiteral("function");

QByteArray compact(const QJsonObject& o) { return QJsonDocument(o).toJson(QJsonDocument::Compact); }

QJsonObject toolCallDelta(const QJsonObject& toolCall) {
    return {{QStringLiteral("tool_calls"), QJsonArray{toolCall}}};
}

}  // namespace

StreamState::StreamState(bool includeUsage)
    : m_includeUsage(includeUsage), m_created(QDateTime::currentSecsSinceEpoch()) {}

Status StreamState::handle(const SseEvent& event, QList<QByteArray>& out) {
    // Anthropic pads payloads with spaces ({"type":"message_stop"   }): decode the whole
    // line as JSON, never match bytes.
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(event.data, &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject()) {
        if (event.data.trimmed().isEmpty() && event.event == event::kPing) return Ok{};
        return ApiError::badGateway(QStringLiteral("upstream sent an unreadable stream event"),
                                    QStringLiteral("upstream_bad_response"));
    }
    const QJsonObject payload = doc.object();
    QString type = payload.value(QStringLiteral("type")).toString();
    if (type.isEmpty()) type = QString::fromUtf8(event.event);

    if (type == QLatin1String(event::kError)) return inBandError(payload);
    if (type == QLatin1String(event::kMessageStart))
        onMessageStart(payload, out);
    else if (type == QLatin1String(event::kContentBlockStart))
        onBlockStart(payload, out);
    else if (type == QLatin1String(event::kContentBlockDelta))
        onBlockDelta(payload, out);
    else if (type == QLatin1String(event::kMessageDelta))
        onMessageDelta(payload, out);
    else if (type == QLatin1String(event::kMessageStop))
        m_complete = true;
    // ping, content_block_stop and event types added later carry nothing for the client.
    return Ok{};
}

Status StreamState::finish(QList<QByteArray>& out) {
    if (!m_complete) {
        return ApiError::badGateway(QStringLiteral("upstream stream ended before completion"),
                                    QStringLiteral("upstream_stream_cut"));
    }
    if (m_includeUsage && !m_usageSent) {
        m_usageSent = true;
        QJsonObject last = envelope();
        last.insert(QStringLiteral("choices"), QJsonArray{});
        last.insert(QStringLiteral("usage"), m_usage.toOpenAiJson());
        out.append(compact(last));
    }
    return Ok{};
}

void StreamState::onMessageStart(const QJsonObject& payload, QList<QByteArray>& out) {
    const QJsonObject message = payload.value(QStringLiteral("message")).toObject();
    m_id = message.value(QStringLiteral("id")).toString();
    m_model = message.value(QStringLiteral("model")).toString();
    m_usage.merge(message.value(QStringLiteral("usage")).toObject());
    ensureStarted(out);
}

void StreamState::onBlockStart(const QJsonObject& payload, QList<QByteArray>& out) {
    ensureStarted(out);
    const QJsonObject block = payload.value(QStringLiteral("content_block")).toObject();
    const QString type = block.value(QStringLiteral("type")).toString();
    if (type == QLatin1String(block::kToolUse)) {
        const int callIndex = static_cast<int>(m_toolCallByBlock.size());
        m_toolCallByBlock.insert(payload.value(QStringLiteral("index")).toInt(), callIndex);
        // The start's `input` is always {} (arguments follow as input_json_delta), so the
        // opening delta carries "" like OpenAI's.
        const QJsonObject fn{{QStringLiteral("name"), block.value(QStringLiteral("name"))},
                             {QStringLiteral("arguments"), QString()}};
        out.append(chunk(toolCallDelta({{QStringLiteral("index"), callIndex},
                                        {QStringLiteral("id"), block.value(QStringLiteral("id"))},
                                        {QStringLiteral("type"), kFunction},
                                        {kFunction, fn}})));
    } else if (type == QLatin1String(block::kText)) {
        const QString text = block.value(QStringLiteral("text")).toString();
        if (!text.isEmpty()) out.append(chunk({{QStringLiteral("content"), text}}));
    } else if (type == QLatin1String(block::kThinking)) {
        const QString text = block.value(QStringLiteral("thinking")).toString();
        if (!text.isEmpty()) out.append(chunk({{QStringLiteral("reasoning_content"), text}}));
    }
    // Server tool blocks (server_tool_use, web_search_tool_result, ...) and redacted_thinking
    // have no OpenAI chunk form.
}

void StreamState::onBlockDelta(const QJsonObject& payload, QList<QByteArray>& out) {
    ensureStarted(out);
    const QJsonObject delta = payload.value(QStringLiteral("delta")).toObject();
    const QString type = delta.value(QStringLiteral("type")).toString();
    auto emitIfAny = [&](const QString& openAiKey, const QString& anthropicKey) {
        const QString value = delta.value(anthropicKey).toString();
        if (!value.isEmpty()) out.append(chunk({{openAiKey, value}}));
    };
    if (type == QLatin1String(delta::kText)) {
        emitIfAny(QStringLiteral("content"), QStringLiteral("text"));
    } else if (type == QLatin1String(delta::kThinking)) {
        emitIfAny(QStringLiteral("reasoning_content"), QStringLiteral("thinking"));
    } else if (type == QLatin1String(delta::kSignature)) {
        // Lets a streaming client replay the thinking block on its next turn.
        emitIfAny(QStringLiteral("reasoning_signature"), QStringLiteral("signature"));
    } else if (type == QLatin1String(delta::kInputJson)) {
        const auto call =
            m_toolCallByBlock.constFind(payload.value(QStringLiteral("index")).toInt());
        const QString partial = delta.value(QStringLiteral("partial_json")).toString();
        // Every tool_use opens with partial_json "": nothing to add to the arguments.
        if (call == m_toolCallByBlock.constEnd() || partial.isEmpty()) return;
        out.append(chunk(
            toolCallDelta({{QStringLiteral("index"), *call},
                           {kFunction, QJsonObject{{QStringLiteral("arguments"), partial}}}})));
    }
}

void StreamState::onMessageDelta(const QJsonObject& payload, QList<QByteArray>& out) {
    ensureStarted(out);
    // Cumulative counts, merged over message_start's: the 2024 shape sends only
    // output_tokens, the 2026 shape repeats input and cache counts.
    m_usage.merge(payload.value(QStringLiteral("usage")).toObject());
    const QString stopReason = payload.value(QStringLiteral("delta"))
                                   .toObject()
                                   .value(QStringLiteral("stop_reason"))
                                   .toString();
    out.append(chunk(QJsonObject{}, finishReasonFor(stopReason)));
}

ApiError StreamState::inBandError(const QJsonObject& payload) {
    const QString type =
        payload.value(QStringLiteral("error")).toObject().value(QStringLiteral("type")).toString();
    if (auto e = errorFromEnvelope(payload, statusForErrorType(type))) return *e;
    return ApiError::badGateway(QStringLiteral("upstream reported an error mid-stream"),
                                QStringLiteral("upstream_stream_error"));
}

void StreamState::ensureStarted(QList<QByteArray>& out) {
    if (m_started) return;
    m_started = true;
    out.append(chunk({{QStringLiteral("role"), QStringLiteral("assistant")},
                      {QStringLiteral("content"), QString()}}));
}

QJsonObject StreamState::envelope() const {
    return {{QStringLiteral("id"), m_id},
            {QStringLiteral("object"), QStringLiteral("chat.completion.chunk")},
            {QStringLiteral("created"), m_created},
            {QStringLiteral("model"), m_model}};
}

QByteArray StreamState::chunk(const QJsonObject& delta, const QJsonValue& finishReason) const {
    QJsonObject c = envelope();
    c.insert(QStringLiteral("choices"),
             QJsonArray{QJsonObject{{QStringLiteral("index"), 0},
                                    {QStringLiteral("delta"), delta},
                                    {QStringLiteral("finish_reason"), finishReason}}});
    return compact(c);
}

}  // namespace ar::anthropic
