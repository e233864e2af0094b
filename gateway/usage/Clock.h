#pragma once

#include <QDateTime>
#include <functional>

namespace ar {

// Wall-clock source for anything time-based (budget periods, rate windows), injected so tests
// move time instead of sleeping.
using Clock = std::function<QDateTime()>;

inline Clock systemClock() {
    return [] { return QDateTime::currentDateTimeUtc(); };
}

}  // namespace ar
