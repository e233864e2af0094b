#pragma once

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>

#include "core/Result.h"
#include "http/SseParser.h"
#include "providers/Usage.h"
#include "providers/anthropic/AnthropicWire.h"

namespace ar::anthropic {

// Per-request state of one Anthropic Messages stream being rewritten as OpenAI
// chat.completion.chunk payloads.
class StreamState {
public:
    explicit StreamState(bool includeUsage);

    // One upstream SSE event -> zero or more chunk payloads; an in-band `error` event or an
    // unreadable payload is returned as an error.
    Status handle(const SseEvent& event, QList<QByteArray>& out);
    bool complete() const { return m_complete; }
    // Appends the usage chunk when the client asked for one; an error if the stream was cut.
    Status finish(QList<QByteArray>& out);
    Usage usage() const { return m_usage.toUsage(); }

private:
    void onMessageStart(const QJsonObject& payload, QList<QByteArray>& out);
    void onBlockStart(const QJsonObject& payload, QList<QByteArray>& out);
    void onBlockDelta(const QJsonObject& payload, QList<QByteArray>& out);
    void onMessageDelta(const QJsonObject& payload, QList<QByteArray>& out);
    static ApiError inBandError(const QJsonObject& payload);

    // The role chunk opens every OpenAI stream, even if upstream skipped message_start.
    void ensureStarted(QList<QByteArray>& out);
    QJsonObject envelope() const;
    QByteArray chunk(const QJsonObject& delta,
                     const QJsonValue& finishReason = QJsonValue::Null) const;

    bool m_includeUsage = false;
    bool m_started = false;
    bool m_complete = false;
    bool m_usageSent = false;
    QString m_id;
    QString m_model;
    qint64 m_created = 0;
    WireUsage m_usage;
    // OpenAI counts tool calls 0,1,2..., not content blocks: Anthropic block index -> call index.
    QHash<int, int> m_toolCallByBlock;
};

}  // namespace ar::anthropic
