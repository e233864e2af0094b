#include "events/AccessLog.h"

#include <QDateTime>
#include <QIODevice>
#include <QTimeZone>
#include <limits>

#include "events/EventBus.h"

namespace ar {

AccessLog::AccessLog(EventBus* bus, QIODevice* out, QObject* parent)
    : QObject(parent), m_bus(bus), m_out(out) {
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
void appendTimestamp(QByteArray& out, qint64 ms) {
    thread_local qint64 cachedSecond = std::numeric_limits<qint64>::min();
    thread_local QByteArray cached;
    const qint64 second = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
    if (second != cachedSecond) {
        cachedSecond = second;
        cached = QDateTime::fromSecsSinceEpoch(second, Qt::UTC).toString(Qt::ISODate).toLatin1();
        if (cached.endsWith('Z')) cached.chop(1);
    }
    out += cached;
    const int millis = int(ms - second * 1000);
    char buf[6] = {'.', char('0' + millis / 100), char('0' + millis / 10 % 10), char('0' + millis % 10), 'Z', 0};
    out += buf;
}

void appendField(QByteArray& out, const char* name, const QString& value) {
    out += name;
    if (value.isEmpty()) out += '-';
    else out += value.toUtf8();
}

}  // namespace

QByteArray AccessLog::formatLine(const RequestEvent& e) {
    QByteArray line;
    line.reserve(160);
    appendTimestamp(line, e.timestampMs);
    line += ' ';
    line += QByteArray::number(e.status);
    line += ' ';
    line += e.method.toLatin1();
    line += ' ';
    line += e.path.toUtf8();
    appendField(line, " key=", e.keyId);
    appendField(line, " model=", e.model);
    appendField(line, " provider=", e.provider);
    line += e.stream ? " stream=1" : " stream=0";
    line += " ms=";
    line += QByteArray::number(e.latencyMs);
    if (e.ttfbMs >= 0) line += " ttfb_ms=" + QByteArray::number(e.ttfbMs);
    if (e.usage.known())
        line += " tokens=" + QByteArray::number(e.usage.promptTokens) + '/' + QByteArray::number(e.usage.completionTokens);
    if (e.attempts > 1) line += " attempts=" + QByteArray::number(e.attempts);
    if (!e.errorCode.isEmpty()) line += " error=" + e.errorCode.toUtf8();
    line += '\n';
    return line;
}

void AccessLog::onFinished(const RequestEvent& e) {
    const QByteArray line = formatLine(e);
    QMutexLocker lock(&m_mutex);
    m_buffer += line;
    if (m_buffer.size() >= kFlushBytes) {
        flushLocked();
    } else if (!m_flushScheduled) {
        m_flushScheduled = true;  // the timer belongs to this object's thread: start it there
        QMetaObject::invokeMethod(&m_timer, qOverload<>(&QTimer::start), Qt::QueuedConnection);
    }
}

void AccessLog::flush() {
    QMutexLocker lock(&m_mutex);
    m_flushScheduled = false;
    flushLocked();
}

void AccessLog::flushLocked() {
    if (m_buffer.isEmpty()) return;
    m_out->write(m_buffer);
    m_buffer.clear();
}

}  // namespace ar
