#pragma once

#include <QString>

namespace ar::gui {

QString formatDuration(qint64 ms);     // "850 ms", "2.4 s", "3 min 05 s"
QString formatCost(qint64 micros);     // "$0.000021", "$0.0042", "$0.38", "$12.30"
QString formatCount(qint64 n);         // locale grouping
QString formatUptime(qint64 seconds);  // "2 h 05 min"

}  // namespace ar::gui
