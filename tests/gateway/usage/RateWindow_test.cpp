// The per-key minute window behind rpm and tpm: constant size, exact at whole seconds.
#include <gtest/gtest.h>

#include "usage/RateWindow.h"

namespace ar {
namespace {

constexpr qint64 kT0 = 1'790'000'000'000;  // a whole second

TEST(RateWindow, CountsTheLastSixtySecondsAndSaysWhenALimitFrees) {
    RateWindow w;
    w.add(kT0, 3);
    w.add(kT0 + 10'000, 2);
    w.add(kT0 + 10'500, 1);  // same second as the previous one
    EXPECT_EQ(w.total(kT0 + 30'000), 6);
    // Below 6 once the first second leaves; below 4 only when the 10th second leaves too.
    EXPECT_EQ(w.belowAt(kT0 + 30'000, 6), kT0 + 60'000);
    EXPECT_EQ(w.belowAt(kT0 + 30'000, 3), kT0 + 70'000);
    EXPECT_EQ(w.belowAt(kT0 + 30'000, 7), kT0 + 30'000);  // already below: now
    EXPECT_EQ(w.total(kT0 + 59'999), 6);
    EXPECT_EQ(w.total(kT0 + 60'000), 3);
    EXPECT_EQ(w.total(kT0 + 70'000), 0);
}

TEST(RateWindow, ABucketAMinuteOldIsReusedNotAddedTo) {
    RateWindow w;
    w.add(kT0, 5);
    w.add(kT0 + 60'000, 1);  // the same slot, a minute later
    EXPECT_EQ(w.total(kT0 + 60'000), 1);
    // Hours of traffic keep the same 60 buckets.
    for (qint64 ms = 0; ms < 3 * 3'600'000; ms += 250) w.add(kT0 + ms, 1);
    EXPECT_EQ(w.total(kT0 + 3 * 3'600'000 - 250), 240);
    EXPECT_EQ(sizeof(RateWindow), 60 * 2 * sizeof(qint64));
}

}  // namespace
}  // namespace ar
