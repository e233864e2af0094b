#include "usage/KeyBudgets.h"

#include <gtest/gtest.h>

#include <QJsonArray>

namespace ar {
namespace {

// Answers totals() from fixed spend per key, counting only what lies in the asked range.
class SpendQueries : public UsageQueries {
public:
    struct Spend {
        QString key;
        QDateTime at;
        qint64 micros;
    };
    QList<Spend> spends;

    QList<UsageBucket> buckets(const QDateTime&, const QDateTime&, UsageGranularity,
                               UsageGroupBy) override {
        return {};
    }
    UsageBucket totals(const QDateTime& from, const QDateTime& to, const QString& keyId) override {
        UsageBucket b;
        for (const Spend& s : spends)
            if ((keyId.isEmpty() || s.key == keyId) && s.at >= from && s.at < to) {
                ++b.requests;
                b.costMicros += s.micros;
            }
        return b;
    }
    QList<UsageBucket> top(const QDateTime&, const QDateTime&, UsageGroupBy, int) override {
        return {};
    }
    QList<LedgerRow> requests(int, qint64) override { return {}; }
    QByteArray exportCsv(const QDateTime&, const QDateTime&) override { return {}; }
    QByteArray exportJson(const QDateTime&, const QDateTime&) override { return {}; }
};

KeyRecord key(const char* id, const QJsonObject& policy, bool revoked = false) {
    KeyRecord k;
    k.id = QString::fromLatin1(id);
    k.name = QStringLiteral("name-") + k.id;
    k.policy = policy;
    k.revoked = revoked;
    return k;
}

TEST(KeyBudgets, SpendInTheKeysOwnPeriodAgainstItsBudget) {
    const QDateTime now =
        QDateTime::fromString("2026-03-18T15:00:00Z", Qt::ISODate);  // a Wednesday
    SpendQueries q;
    q.spends = {{"daily", QDateTime::fromString("2026-03-18T09:00:00Z", Qt::ISODate), 3'000'000},
                {"daily", QDateTime::fromString("2026-03-17T23:59:00Z", Qt::ISODate),
                 9'000'000},  // yesterday
                {"weekly", QDateTime::fromString("2026-03-16T00:00:00Z", Qt::ISODate),
                 1'000'000},  // Monday
                {"weekly", QDateTime::fromString("2026-03-15T12:00:00Z", Qt::ISODate),
                 5'000'000},  // last week
                {"free", QDateTime::fromString("2026-03-02T00:00:00Z", Qt::ISODate), 250'000},
                {"gone", QDateTime::fromString("2026-03-18T10:00:00Z", Qt::ISODate), 1}};
    const QList<KeyRecord> keys{
        key("daily", {{"budget_usd", 5.0}, {"budget_period", "day"}}),
        key("weekly", {{"budget_usd", 2.0}, {"budget_period", "week"}}),
        key("free", {}),
        key("gone", {{"budget_usd", 1.0}}, true),
    };
    const QList<KeyBudgetStatus> s = keyBudgetStatuses(keys, q, now);
    ASSERT_EQ(s.size(), 3) << "revoked keys have no budget bar";

    EXPECT_EQ(s[0].keyId, "daily");
    EXPECT_EQ(s[0].period, BudgetPeriod::Day);
    EXPECT_EQ(s[0].budgetMicros, 5'000'000);
    EXPECT_EQ(s[0].spendMicros, 3'000'000);
    EXPECT_DOUBLE_EQ(s[0].fraction(), 0.6);
    EXPECT_EQ(s[0].resetsAt, QDateTime::fromString("2026-03-19T00:00:00Z", Qt::ISODate));

    EXPECT_EQ(s[1].spendMicros, 1'000'000) << "the week starts on Monday";
    EXPECT_DOUBLE_EQ(s[1].fraction(), 0.5);

    EXPECT_FALSE(s[2].hasBudget());
    EXPECT_EQ(s[2].period, BudgetPeriod::Month);
    EXPECT_EQ(s[2].spendMicros, 250'000)
        << "a key without a budget still shows its spend this month";
    EXPECT_EQ(s[2].fraction(), 0.0);
}

}  // namespace
}  // namespace ar
