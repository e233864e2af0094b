#include "events/Notifications.h"

#include <gtest/gtest.h>

namespace ar {
namespace {

KeyBudgetStatus budget(qint64 spend, const char* periodStart = "2026-03-01T00:00:00Z") {
    KeyBudgetStatus b;
    b.keyId = "k1";
    b.keyName = "laptop";
    b.period = BudgetPeriod::Month;
    b.budgetMicros = 10'000'000;
    b.spendMicros = spend;
    b.periodStart = QDateTime::fromString(QString::fromLatin1(periodStart), Qt::ISODate);
    return b;
}

TEST(NotificationRules, BudgetThresholdsFireOncePerPeriod) {
    NotificationRules rules;
    EXPECT_TRUE(rules.onBudgets({budget(7'900'000)}).isEmpty());

    auto n = rules.onBudgets({budget(8'000'000)});
    ASSERT_EQ(n.size(), 1);
    EXPECT_EQ(n[0].kind, Notification::Kind::BudgetWarning);
    EXPECT_EQ(n[0].subject, "k1");
    EXPECT_TRUE(n[0].message.contains("laptop")) << qPrintable(n[0].message);
    EXPECT_TRUE(n[0].message.contains("$8.00")) << qPrintable(n[0].message);
    EXPECT_TRUE(rules.onBudgets({budget(9'000'000)}).isEmpty()) << "80% is said once";

    n = rules.onBudgets({budget(10'000'000)});
    ASSERT_EQ(n.size(), 1);
    EXPECT_EQ(n[0].kind, Notification::Kind::BudgetReached);
    EXPECT_TRUE(rules.onBudgets({budget(12'000'000)}).isEmpty()) << "100% is said once";

    // A new period: both thresholds may fire again.
    n = rules.onBudgets({budget(8'500'000, "2026-04-01T00:00:00Z")});
    ASSERT_EQ(n.size(), 1);
    EXPECT_EQ(n[0].kind, Notification::Kind::BudgetWarning);
}

TEST(NotificationRules, ARestartInTheSamePeriodStaysQuiet) {
    NotificationRules before;
    ASSERT_EQ(before.onBudgets({budget(8'100'000)}).size(), 1);
    NotificationRules after;
    after.restoreAnnounced(before.announced());
    EXPECT_TRUE(after.onBudgets({budget(8'200'000)}).isEmpty());
    EXPECT_EQ(after.onBudgets({budget(10'000'000)}).size(), 1) << "100% was not announced yet";
}

TEST(NotificationRules, JumpingPastTheBudgetSaysOnlyThatItIsReached) {
    NotificationRules rules;
    auto n = rules.onBudgets({budget(11'000'000)});
    ASSERT_EQ(n.size(), 1);
    EXPECT_EQ(n[0].kind, Notification::Kind::BudgetReached);
    EXPECT_TRUE(rules.onBudgets({budget(11'000'000)}).isEmpty());
}

TEST(NotificationRules, KeysWithoutBudgetNeverNotify) {
    NotificationRules rules;
    KeyBudgetStatus b = budget(50'000'000);
    b.budgetMicros = -1;
    EXPECT_TRUE(rules.onBudgets({b}).isEmpty());
}

TEST(NotificationRules, ProviderDownAndBackUp) {
    NotificationRules rules;
    HealthReport up{"openai", HealthStatus::Healthy, 120, 0, {}};
    HealthReport down{"openai", HealthStatus::CoolingDown, 120, 5000, "connection refused"};
    EXPECT_TRUE(rules.onHealth({up}).isEmpty());

    auto n = rules.onHealth({down});
    ASSERT_EQ(n.size(), 1);
    EXPECT_EQ(n[0].kind, Notification::Kind::ProviderDown);
    EXPECT_TRUE(n[0].message.contains("connection refused"));
    down.status = HealthStatus::Unhealthy;
    EXPECT_TRUE(rules.onHealth({down}).isEmpty()) << "still down: no repeat";

    n = rules.onHealth({up});
    ASSERT_EQ(n.size(), 1);
    EXPECT_EQ(n[0].kind, Notification::Kind::ProviderUp);
    EXPECT_TRUE(rules.onHealth({up}).isEmpty());
}

}  // namespace
}  // namespace ar
