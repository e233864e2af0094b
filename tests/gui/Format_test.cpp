#include <gtest/gtest.h>

#include "models/Format.h"

using ar::gui::formatCost;

TEST(FormatCost, ACheapRequestKeepsItsDigitsInsteadOfShowingZero) {
    EXPECT_EQ(formatCost(21), QStringLiteral("$0.000021"));  // a short gpt-4o-mini answer
    EXPECT_EQ(formatCost(1'234), QStringLiteral("$0.001234"));
    EXPECT_EQ(formatCost(25'000), QStringLiteral("$0.025"));
    EXPECT_EQ(formatCost(380'000), QStringLiteral("$0.38"));
    EXPECT_EQ(formatCost(2'500'000), QStringLiteral("$2.50"));
    EXPECT_EQ(formatCost(0), QStringLiteral("$0.00"));
}
