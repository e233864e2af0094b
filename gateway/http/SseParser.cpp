#include "http/SseParser.h"

#include <cstring>

namespace ar {

void SseParser::feed(const QByteArray& bytes, QList<SseEvent>& out) {
    if (m_pos == m_buffer.size()) {
        m_buffer = bytes;  // nothing left over: share the bytes instead of copying them
        m_pos = 0;
    } else {
        m_buffer.append(bytes);
    }
    const char* data = m_buffer.constData();
    const qsizetype size = m_buffer.size();
    while (m_pos < size) {
        const void* hit = std::memchr(data + m_pos, '\n', size_t(size - m_pos));
        if (!hit) break;
        const qsizetype nl = static_cast<const char*>(hit) - data;
        qsizetype end = nl;
        if (end > m_pos && data[end - 1] == '\r') --end;
        dispatchLine(QByteArrayView(data + m_pos, end - m_pos), out);
        m_pos = nl + 1;
    }
    if (m_pos == size) {  // all consumed: let the bytes go
        m_buffer.clear();
        m_pos = 0;
    } else if (m_pos > 4096 && m_pos * 2 > size) {  // compact, so long streams stay O(n)
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
        if (m_hasData) {
            m_current.data.append('\n');
            m_current.data.append(value.data(), value.size());
        } else {
            m_current.data = value.toByteArray();  // the usual single line: one allocation, no append
        }
        m_hasData = true;
    } else if (field == "event") {
        m_current.event = value.toByteArray();
    }
}

}  // namespace ar
