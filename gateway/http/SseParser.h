#pragma once

#include <QByteArray>
#include <QList>

namespace ar {

// One server-sent event: the `event:` name (empty when absent) and the joined `data:` lines.
struct SseEvent {
    QByteArray event;
    QByteArray data;
};

// Incremental SSE parser: feed bytes as they arrive, take whole events out. Accepts the
// \n\n (OpenAI, Anthropic) and \r\n\r\n (Gemini) separators and ignores comments (": ping").
class SseParser {
public:
    // Appends every event completed by `bytes` to `out`.
    void feed(const QByteArray& bytes, QList<SseEvent>& out);
    // Bytes received but not yet part of a complete event.
    qsizetype pendingBytes() const { return m_buffer.size() - m_pos; }

private:
    void dispatchLine(QByteArrayView line, QList<SseEvent>& out);

    QByteArray m_buffer;
    qsizetype m_pos = 0;
    SseEvent m_current;
    bool m_hasData = false;
};

}  // namespace ar
