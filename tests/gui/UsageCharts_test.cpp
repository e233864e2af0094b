#include <QBarSet>
#include <QChart>
#include <QStackedBarSeries>
#include <QTableView>
#include <QComboBox>
#include <gtest/gtest.h>

#include "models/UsageModel.h"
#include "pages/UsagePage.h"
#include "support/GuiTestSupport.h"

using namespace ar;
using namespace ar::gui;
using namespace ar::gui::test;

namespace {

const QDateTime kNow(QDate(2025, 3, 10), QTime(15, 30), Qt::UTC);

QDateTime day(int d) { return QDateTime(QDate(2025, 3, d), QTime(0, 0), Qt::UTC); }

QStackedBarSeries* stackedSeries(QChart* chart) {
    const auto series = chart->series();
    return series.size() == 1 ? qobject_cast<QStackedBarSeries*>(series.first()) : nullptr;
}

QHash<QString, QList<double>> valuesBySet(QStackedBarSeries* s) {
    QHash<QString, QList<double>> out;
    for (QBarSet* set : s->barSets()) {
        QList<double> v;
        for (int i = 0; i < set->count(); ++i) v << set->at(i);
        out.insert(set->label(), v);
    }
    return out;
}

}  // namespace

TEST(UsageSeries, WindowsAlignToHoursAndDays) {
    const UsageWindow h = UsageWindow::forRange(UsageRange::Last24Hours, kNow);
    EXPECT_EQ(h.granularity, UsageGranularity::Hour);
    EXPECT_EQ(h.to, QDateTime(QDate(2025, 3, 10), QTime(16, 0), Qt::UTC));
    EXPECT_EQ(h.slots().size(), 24);
    const UsageWindow w = UsageWindow::forRange(UsageRange::Last7Days, kNow);
    EXPECT_EQ(w.from, day(4));
    EXPECT_EQ(w.to, day(11));
    EXPECT_EQ(w.slots().size(), 7);
    EXPECT_EQ(UsageWindow::forRange(UsageRange::Last30Days, kNow).slots().size(), 30);
}

TEST(UsageSeries, FoldsSmallGroupsIntoOther) {
    const UsageWindow w = UsageWindow::forRange(UsageRange::Last7Days, kNow);
    QList<UsageBucket> buckets;
    for (int i = 0; i < 5; ++i) buckets << bucket(day(9), QStringLiteral("m%1").arg(i), 100 * (i + 1), 0, 0);
    const UsageSeries s = buildUsageSeries(buckets, w, 3);
    EXPECT_EQ(s.groups, (QStringList{QStringLiteral("m4"), QStringLiteral("m3"), QStringLiteral("other")}));
    EXPECT_EQ(s.tokens.value(QStringLiteral("other")).at(5), 600.0);  // m0 + m1 + m2 on Mar 9
    EXPECT_EQ(s.total.promptTokens, 1500);
}

TEST(UsagePage, ChartsGetOneStackedSetPerGroup) {
    FakeUsageQueries fake;
    fake.data = {
        bucket(day(8), QStringLiteral("gpt-4o"), 1000, 500, 12'000),
        bucket(day(9), QStringLiteral("gpt-4o"), 2000, 1000, 24'000),
        bucket(day(9), QStringLiteral("claude-sonnet"), 300, 200, 5'000),
        bucket(day(1), QStringLiteral("old-model"), 9, 9, 9),  // outside the 7 days
    };
    UsageModel model(&fake);
    model.setClock([] { return kNow; });
    UsagePage page(&model);
    page.resize(900, 700);
    page.show();  // the first show loads
    ASSERT_TRUE(waitUntil([&] { return stackedSeries(page.tokensChart()) != nullptr; }));
    EXPECT_EQ(fake.lastGroupBy, UsageGroupBy::Model);
    EXPECT_EQ(fake.lastGranularity, UsageGranularity::Day);

    const auto tokens = valuesBySet(stackedSeries(page.tokensChart()));
    ASSERT_EQ(tokens.size(), 2);
    // Slots are Mar 4 .. Mar 10.
    EXPECT_EQ(tokens.value(QStringLiteral("gpt-4o")),
              (QList<double>{0, 0, 0, 0, 1500, 3000, 0}));
    EXPECT_EQ(tokens.value(QStringLiteral("claude-sonnet")),
              (QList<double>{0, 0, 0, 0, 0, 500, 0}));
    const auto cost = valuesBySet(stackedSeries(page.costChart()));
    EXPECT_DOUBLE_EQ(cost.value(QStringLiteral("gpt-4o")).at(5), 0.024);
    EXPECT_DOUBLE_EQ(cost.value(QStringLiteral("claude-sonnet")).at(5), 0.005);
    // Largest group first; the totals table ends with the total.
    EXPECT_EQ(stackedSeries(page.tokensChart())->barSets().first()->label(), QStringLiteral("gpt-4o"));
    auto* totals = page.totalsTable()->model();
    ASSERT_EQ(totals->rowCount(), 3);
    EXPECT_EQ(totals->index(2, UsageTotalsModel::Group).data().toString(), QStringLiteral("Total"));
    EXPECT_EQ(totals->index(2, UsageTotalsModel::Cost).data().toString(), QStringLiteral("$0.041"));

    // Changing the grouping and range asks the ledger again.
    const int before = fake.calls;
    page.groupCombo()->setCurrentIndex(page.groupCombo()->findData(int(UsageGroupBy::Provider)));
    ASSERT_TRUE(waitUntil([&] { return fake.calls > before && !model.loading(); }));
    EXPECT_EQ(fake.lastGroupBy, UsageGroupBy::Provider);
    page.rangeCombo()->setCurrentIndex(page.rangeCombo()->findData(int(UsageRange::Last24Hours)));
    ASSERT_TRUE(waitUntil([&] { return fake.lastGranularity == UsageGranularity::Hour && !model.loading(); }));
    ASSERT_TRUE(waitUntil([&] { return stackedSeries(page.tokensChart())->barSets().isEmpty(); }));
}

TEST(UsagePage, SaysSoWithoutALedger) {
    UsageModel model(nullptr);
    UsagePage page(&model);
    EXPECT_FALSE(page.rangeCombo()->isEnabled());
}
