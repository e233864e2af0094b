#include "events/AccessLog.h"

#include <QDateTime>
#include <QIODevice>
#include <QTimeZone>
#include <QVarLengthArray>
#include <limits>

#include "core/TextAppend.h"
#include "events/EventBus.h"

namespace ar {

AccessLog::AccessLog(EventBus* bus, QIODevice* out, QObject* parent)
    : QObject(parent), m_bus(bus), m_out(out) {
    m_buffer.reserve(kFlushBytes + 1024);
    m_writing.reserve(kFlushBytes + 1024);
    m_timer.setSingleShot(true);
    m_timer.setInterval(kFlushMs);
    connect(&m_timer, &QTimer::timeout, this, &AccessLog::flush);
    bus->subscribeDirect(this, EventBus::bit(RequestEvent::Kind::Finished),
                         [this](const RequestEvent& e) { onFinished(e); });
}

AccessLog::~AccessLog() {
    m_bus->unsubscribe(this);
    flush();
}

namespace {

// "2026-11-26T06:01:24" for the second of `ms`; one line per request makes QDateTime's
// formatting worth skipping: the prefix is cached per thread and rebuilt once a second.
template <typename Out>
void appendTimestamp(Out& out, qint64 ms) {
    thread_local qint64 cachedSecond = std::numeric_limits<qint64>::min();
    thread_local QByteArray cached;
    const qint64 second = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
    if (second != cachedSecond) {
        cachedSecond = second;
        cached = QDateTime::fromSecsSinceEpoch(second, Qt::UTC).toString(Qt::ISODate).toLatin1();
        if (cached.endsWith('Z')) cached.chop(1);
    }
    text::append(out, cached);
    const int millis = int(ms - second * 1000);
    const char buf[5] = {'.', char('0' + millis / 100), char('0' + millis / 10 % 10), char('0' + millis % 10), 'Z'};
    out.append(buf, 5);
}

template <typename Out>
void appendField(Out& out, QByteArrayView name, const QString& value) {
    text::append(out, name);
    if (value.isEmpty()) text::append(out, "-");
    else text::appendUtf8(out, value);
}

// The line is built in a stack buffer: QByteArray's append costs more than the copy itself.
using LineBuffer = QVarLengthArray<char, 256>;

void appendLine(LineBuffer& line, const RequestEvent& e) {
    using text::append;
    using text::appendNumber;
    appendTimestamp(line, e.timestampMs);
    append(line, " ");
    appendNumber(line, e.status);
    append(line, " ");
    text::appendUtf8(line, e.method);
    append(line, " ");
    text::appendUtf8(line, e.path);
    appendField(line, " key=", e.keyId);
    appendField(line, " model=", e.model);
    appendField(line, " provider=", e.provider);
    append(line, e.stream ? " stream=1" : " stream=0");
    append(line, " ms=");
    appendNumber(line, e.latencyMs);
    if (e.ttfbMs >= 0) {
        append(line, " ttfb_ms=");
        appendNumber(line, e.ttfbMs);
    }
    if (e.usage.known()) {
        append(line, " tokens=");
        appendNumber(line, e.usage.promptTokens);
        append(line, "/");
        appendNumber(line, e.usage.completionTokens);
    }
    if (e.attempts > 1) {
        append(line, " attempts=");
        appendNumber(line, e.attempts);
    }
    if (!e.errorCode.isEmpty()) {
        append(line, " error=");
        text::appendUtf8(line, e.errorCode);
    }
    append(line, "\n");
}

}  // namespace

QByteArray AccessLog::formatLine(const RequestEvent& e) {
    LineBuffer line;
    appendLine(line, e);
    return QByteArray(line.constData(), line.size());
}

void AccessLog::onFinished(const RequestEvent& e) {
    LineBuffer line;
    appendLine(line, e);
    QMutexLocker lock(&m_mutex);
    if (m_buffer.size() + line.size() > kMaxPendingBytes) {
        ++m_dropped;  // the output is stuck or slower than the requests: not this thread's wait
        return;
    }
    m_buffer.append(line.constData(), line.size());
    if (m_buffer.size() >= kFlushBytes) {
        if (!m_flushNow) {
            m_flushNow = true;
            QMetaObject::invokeMethod(this, &AccessLog::flush, Qt::QueuedConnection);
        }
    } else if (!m_flushScheduled) {
        m_flushScheduled = true;  // the timer belongs to this object's thread: start it there
        QMetaObject::invokeMethod(&m_timer, qOverload<>(&QTimer::start), Qt::QueuedConnection);
    }
}

void AccessLog::flush() {
    qint64 dropped;
    {
        QMutexLocker lock(&m_mutex);
        m_flushScheduled = false;
        m_flushNow = false;
        m_buffer.swap(m_writing);  // the pending lines, and an emptied buffer back for them
        dropped = m_dropped;
        m_dropped = 0;
    }
    if (dropped > 0) {
        // After the lines that fitted, before the ones that came once the output moved again.
        m_writing.append("access log: ");
        m_writing.append(QByteArray::number(dropped));
        m_writing.append(" lines dropped: the log output was not keeping up\n");
    }
    if (m_writing.isEmpty()) return;
    m_out->write(m_writing);
    // Keeps its allocation for the next batch, unless a stall grew it.
    if (m_writing.capacity() > 4 * kFlushBytes) m_writing = QByteArray();
    else m_writing.resize(0);
}

}  // namespace ar
