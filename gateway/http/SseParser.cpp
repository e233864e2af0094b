#include "http/SseParser.h"

namespace ar {

void SseParser::feed(const QByteArray& bytes, QList<SseEvent>& out) {
    m_buffer.append(bytes);
    while (true) {
        const qsizetype nl = m_buffer.indexOf('\n', m_pos);
        if (nl < 0) break;
        qsizetype end = nl;
        if (end > m_pos && m_buffer.at(end - 1) == '\r') --end;
        dispatchLine(QByteArrayView(m_buffer.constData() + m_pos, end - m_pos), out);
        m_pos = nl + 1;
    }
    // Compact once the consumed prefix dominates, so long streams stay O(n).
    if (m_pos > 4096 && m_pos * 2 > m_buffer.size()) {
        m_buffer.remove(0, m_pos);
        m_pos = 0;
    }
}

void SseParser::dispatchLine(QByteArrayView line, QList<SseEvent>& out) {
    if (line.isEmpty()) {
        if (m_hasData || !m_current.event.isEmpty()) out.append(std::move(m_current));
        m_current = SseEvent{};
        m_hasData = false;
        return;
    }
    if (line.front() == ':') return;  // comment / keep-alive
    const qsizetype colon = line.indexOf(':');
    QByteArrayView field = colon < 0 ? line : line.first(colon);
    QByteArrayView value = colon < 0 ? QByteArrayView() : line.sliced(colon + 1);
    if (!value.isEmpty() && value.front() == ' ') value = value.sliced(1);
    if (field == "data") {
        if (m_hasData) m_current.data.append('\n');
        m_current.data.append(value.data(), value.size());
        m_hasData = true;
    } else if (field == "event") {
        m_current.event = value.toByteArray();
    }
}

}  // namespace ar
