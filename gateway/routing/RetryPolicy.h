#pragma once

#include <QList>
#include <QtGlobal>
#include <functional>

namespace ar {

// When and how a failed attempt is tried again. A failure that may be transient (connect
// failure, timeout, a status in failoverStatuses) moves on to the next target at once; after
// the last target, another round starts after an exponential backoff with jitter, or after
// the upstream's Retry-After. Nothing is retried once a byte has reached the client, and no
// retry starts past the whole-request deadline.
struct RetryPolicy {
    int maxRounds = 2;                 // rounds over all targets (1: no retry)
    int backoffInitialMs = 250;
    int backoffMaxMs = 4000;
    int deadlineMs = 120'000;          // whole request, all attempts and waits
    int maxRetryAfterMs = 30'000;      // a longer Retry-After ends the retries
    QList<int> failoverStatuses{408, 429, 500, 502, 503, 504, 529};

    bool retriable(int status) const { return failoverStatuses.contains(status); }

    // Delay before round `round` (1-based: round 2 is the first retry). `random01` in [0,1)
    // adds "full jitter" so clients that failed together do not retry together.
    int backoffMs(int round, double random01) const {
        const qint64 ceiling =
            qMin<qint64>(backoffMaxMs, qint64(backoffInitialMs) << qMin(round - 2, 20));
        return int(ceiling / 2 + qint64(random01 * double(ceiling / 2)));
    }
};

}  // namespace ar
