#pragma once

#include <QtGlobal>
#include <array>
#include <limits>

namespace ar {

// A count (requests, tokens) over the last 60 seconds at one-second resolution: 60 buckets,
// so memory and time per request stay constant whatever the rate (a list of timestamps grew
// to hundreds of thousands of entries per key at a few thousand requests a second). An entry
// added at second s counts until second s + 60 begins.
class RateWindow {
public:
    static constexpr int kSeconds = 60;

    void add(qint64 nowMs, qint64 n) {
        Bucket& b = bucketFor(second(nowMs));
        b.n += n;
    }

    qint64 total(qint64 nowMs) const {
        const qint64 oldest = second(nowMs) - kSeconds + 1;
        qint64 sum = 0;
        for (const Bucket& b : m_buckets)
            if (b.second >= oldest) sum += b.n;
        return sum;
    }

    // The moment (ms since epoch) the total falls below `limit` as old seconds leave.
    qint64 belowAt(qint64 nowMs, qint64 limit) const {
        qint64 remaining = total(nowMs);
        if (remaining < limit) return nowMs;
        const qint64 now = second(nowMs);
        for (qint64 s = now - kSeconds + 1; s <= now; ++s) {
            const Bucket& b = m_buckets[slot(s)];
            if (b.second == s) remaining -= b.n;
            if (remaining < limit) return (s + kSeconds) * 1000;  // second s leaves then
        }
        return (now + kSeconds) * 1000;
    }

private:
    struct Bucket {
        qint64 second = std::numeric_limits<qint64>::min();
        qint64 n = 0;
    };
    static qint64 second(qint64 ms) { return ms >= 0 ? ms / 1000 : (ms - 999) / 1000; }
    static int slot(qint64 s) { return int(((s % kSeconds) + kSeconds) % kSeconds); }
    Bucket& bucketFor(qint64 s) {
        Bucket& b = m_buckets[slot(s)];
        if (b.second != s) b = {s, 0};  // a minute-old bucket is reused
        return b;
    }

    std::array<Bucket, kSeconds> m_buckets{};
};

}  // namespace ar
