#include "models/Format.h"

#include <QLocale>

namespace ar::gui {

QString formatDuration(qint64 ms) {
    if (ms < 0) return QString();
    if (ms < 1000) return QStringLiteral("%1 ms").arg(ms);
    if (ms < 60000) return QStringLiteral("%1 s").arg(double(ms) / 1000.0, 0, 'f', 1);
    return QStringLiteral("%1 min %2 s").arg(ms / 60000).arg((ms / 1000) % 60, 2, 10, QLatin1Char('0'));
}

QString formatCost(qint64 micros) {
    if (micros == 0) return QStringLiteral("$0.00");
    const double dollars = double(micros) / 1e6;
    // Small amounts keep their digits down to the micro-dollar, so a single cheap request
    // ($0.000021 for a short gpt-4o-mini answer) is never shown as $0.00; but never trailing
    // zeros past the cents ("$0.38", not "$0.3800").
    const int decimals = qAbs(dollars) < 0.01 ? 6 : qAbs(dollars) < 1.0 ? 4 : 2;
    QString text = QString::number(dollars, 'f', decimals);
    while (text.size() - text.indexOf(QLatin1Char('.')) > 3 && text.endsWith(QLatin1Char('0'))) text.chop(1);
    return QStringLiteral("$") + text;
}

QString formatCount(qint64 n) { return QLocale().toString(n); }

QString formatUptime(qint64 seconds) {
    if (seconds < 60) return QStringLiteral("%1 s").arg(seconds);
    if (seconds < 3600) return QStringLiteral("%1 min %2 s").arg(seconds / 60).arg(seconds % 60, 2, 10, QLatin1Char('0'));
    if (seconds < 86400)
        return QStringLiteral("%1 h %2 min").arg(seconds / 3600).arg((seconds / 60) % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1 d %2 h").arg(seconds / 86400).arg((seconds / 3600) % 24);
}

}  // namespace ar::gui
