#include "events/AccessLog.h"

#include <QDateTime>
#include <QIODevice>

#include "events/EventBus.h"

namespace ar {

AccessLog::AccessLog(EventBus* bus, QIODevice* out, QObject* parent)
    : QObject(parent), m_out(out) {
    connect(bus, &EventBus::event, this, &AccessLog::onEvent);
}

QByteArray AccessLog::formatLine(const RequestEvent& e) {
    auto orDash = [](const QString& s) { return s.isEmpty() ? QStringLiteral("-") : s; };
    QString line = QDateTime::fromMSecsSinceEpoch(e.timestampMs, Qt::UTC)
                       .toString(Qt::ISODateWithMs) +
                   QLatin1Char(' ') + QString::number(e.status) + QLatin1Char(' ') + e.method +
                   QLatin1Char(' ') + e.path + QStringLiteral(" key=") + orDash(e.keyId) +
                   QStringLiteral(" model=") + orDash(e.model) + QStringLiteral(" provider=") +
                   orDash(e.provider) + QStringLiteral(" stream=") +
                   QLatin1String(e.stream ? "1" : "0") + QStringLiteral(" ms=") +
                   QString::number(e.latencyMs);
    if (e.ttfbMs >= 0) line += QStringLiteral(" ttfb_ms=") + QString::number(e.ttfbMs);
    if (e.usage.known())
        line += QStringLiteral(" tokens=%1/%2").arg(e.usage.promptTokens).arg(e.usage.completionTokens);
    if (e.attempts > 1) line += QStringLiteral(" attempts=") + QString::number(e.attempts);
    if (!e.errorCode.isEmpty()) line += QStringLiteral(" error=") + e.errorCode;
    return line.toUtf8() + '\n';
}

void AccessLog::onEvent(const RequestEvent& e) {
    if (e.kind != RequestEvent::Kind::Finished) return;
    m_out->write(formatLine(e));
}

}  // namespace ar
