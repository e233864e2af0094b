// Key policies and budgets with an injected clock: no sleeps.
#include <QJsonArray>
#include <gtest/gtest.h>

#include "usage/CostControls.h"
#include "usage/PriceCatalog.h"

namespace ar {
namespace {

class CostControlsTest : public ::testing::Test {
protected:
    CostControlsTest() { now = QDateTime(QDate(2026, 3, 31), QTime(23, 59, 0), Qt::UTC); }

    std::unique_ptr<CostControls> make(GatewayBudget budget = {}) {
        return std::make_unique<CostControls>(&prices, budget, [this] { return now; });
    }
    KeyRecord key(const QJsonObject& policy) {
        KeyRecord k;
        k.id = QStringLiteral("k1");
        k.name = QStringLiteral("agent");
        k.policy = policy;
        return k;
    }
    Status admit(CostControls& c, const KeyRecord& k, quint64 id, const char* model = "gpt-4o-mini") {
        const QJsonObject request{{"model", model},
                                  {"messages", QJsonArray{QJsonObject{{"role", "user"}, {"content", "hi"}}}}};
        return c.admit(k, Endpoint::ChatCompletions,
                       ClientRequest::fromObject(Endpoint::ChatCompletions, request),
                       QString::fromLatin1(model), id);
    }
    void finish(CostControls& c, quint64 id, qint64 costMicros, qint64 tokens = 0, const QString& keyId = "k1") {
        RequestEvent e;
        e.kind = RequestEvent::Kind::Finished;
        e.requestId = id;
        e.keyId = keyId;
        e.status = 200;
        e.costMicros = costMicros;
        if (tokens) {
            e.usage.promptTokens = tokens;
            e.usage.completionTokens = 0;
        }
        c.onFinished(e);
    }

    PriceCatalog prices = PriceCatalog::builtIn();
    QDateTime now;
};

TEST_F(CostControlsTest, ModelAllowListTakesExactNamesAndGlobs) {
    auto c = make();
    const KeyRecord k = key({{"models", QJsonArray{"gpt-4o*", "claude-sonnet-4-5", "ollama/*"}}});
    EXPECT_TRUE(admit(*c, k, 1, "gpt-4o-mini"));
    EXPECT_TRUE(admit(*c, k, 2, "claude-sonnet-4-5"));
    EXPECT_TRUE(admit(*c, k, 3, "ollama/llama3.2"));
    const Status refused = admit(*c, k, 4, "claude-opus-4-1");
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().status, 403);
    EXPECT_EQ(refused.error().code, "model_not_allowed");
    EXPECT_TRUE(refused.error().message.contains("claude-opus-4-1"));
}

TEST_F(CostControlsTest, ExpiredKeyIsUnauthorizedFromItsExpiryOn) {
    auto c = make();
    const KeyRecord k = key({{"expires_at", "2026-04-01T00:00:00Z"}});
    EXPECT_TRUE(admit(*c, k, 1));
    now = QDateTime(QDate(2026, 4, 1), QTime(0, 0), Qt::UTC);
    const Status s = admit(*c, k, 2);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().status, 401);
    EXPECT_EQ(s.error().code, "key_expired");
}

TEST_F(CostControlsTest, BudgetExactlyAtTheLimitIsRefusedAndResetsWithThePeriod) {
    auto c = make();
    const KeyRecord k = key({{"budget_usd", 0.01}, {"budget_period", "day"}});
    ASSERT_TRUE(admit(*c, k, 1));
    finish(*c, 1, 9'999);  // one micro-dollar left
    ASSERT_TRUE(admit(*c, k, 2));
    finish(*c, 2, 1);  // exactly at the limit
    const Status s = admit(*c, k, 3);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().status, 429);
    EXPECT_EQ(s.error().code, "budget_exceeded");
    EXPECT_EQ(s.error().retryAfterSeconds, -1);
    EXPECT_TRUE(s.error().message.contains("$0.010000")) << qPrintable(s.error().message);
    EXPECT_TRUE(s.error().message.contains("daily"));
    EXPECT_TRUE(s.error().message.contains("2026-04-01T00:00:00Z")) << qPrintable(s.error().message);

    now = now.addSecs(60);  // midnight UTC: a new day
    EXPECT_TRUE(admit(*c, k, 4));
    const QJsonObject me = c->describe(k);
    EXPECT_EQ(me["spend_usd"].toDouble(), 0.0);
    EXPECT_EQ(me["remaining_usd"].toDouble(), 0.01);
    EXPECT_EQ(me["resets_at"].toString(), "2026-04-02T00:00:00Z");
}

TEST_F(CostControlsTest, MonthlyAndTotalBudgetsRollOverDifferently) {
    auto c = make();
    const KeyRecord monthly = key({{"budget_usd", 1.0}, {"budget_period", "month"}});
    ASSERT_TRUE(admit(*c, monthly, 1));
    finish(*c, 1, 1'000'000);
    EXPECT_FALSE(admit(*c, monthly, 2));
    const KeyRecord total = key({{"budget_usd", 1.0}, {"budget_period", "total"}});
    EXPECT_FALSE(admit(*c, total, 3));
    now = now.addDays(1);  // April
    EXPECT_TRUE(admit(*c, monthly, 4));
    const Status s = admit(*c, total, 5);
    ASSERT_FALSE(s);
    EXPECT_TRUE(s.error().message.contains("does not reset"));
}

TEST_F(CostControlsTest, ConcurrentRequestsCannotAllTakeTheLastCent) {
    auto c = make();
    const KeyRecord k = key({{"budget_usd", 0.01}, {"budget_period", "total"}});
    ASSERT_TRUE(admit(*c, k, 1));
    finish(*c, 1, 9'999);
    // Two requests race for the last micro-dollar: the first holds it while in flight.
    EXPECT_TRUE(admit(*c, k, 2));
    const Status second = admit(*c, k, 3);
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().code, "budget_exceeded");
    // The running one is not cut; it finishes over budget and the next is refused too.
    finish(*c, 2, 500);
    EXPECT_FALSE(admit(*c, k, 4));
    EXPECT_EQ(c->spendMicros("k1", BudgetPeriod::Total), 10'499);
}

TEST_F(CostControlsTest, RequestsPerMinuteWithRetryAfter) {
    auto c = make();
    const KeyRecord k = key({{"rpm", 2}});
    EXPECT_TRUE(admit(*c, k, 1));
    now = now.addSecs(10);
    EXPECT_TRUE(admit(*c, k, 2));
    now = now.addSecs(5);
    const Status s = admit(*c, k, 3);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().status, 429);
    EXPECT_EQ(s.error().code, "rate_limit_exceeded");
    EXPECT_EQ(s.error().retryAfterSeconds, 45);  // the first request leaves the window in 45 s
    EXPECT_TRUE(s.error().message.contains("2 requests per minute"));
    now = now.addSecs(45);
    EXPECT_TRUE(admit(*c, k, 4));
}

TEST_F(CostControlsTest, TokensPerMinuteCountFinishedRequests) {
    auto c = make();
    const KeyRecord k = key({{"tpm", 1000}});
    ASSERT_TRUE(admit(*c, k, 1));
    finish(*c, 1, 10, 999);
    ASSERT_TRUE(admit(*c, k, 2));
    now = now.addSecs(20);
    finish(*c, 2, 10, 1);
    const Status s = admit(*c, k, 3);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, "rate_limit_exceeded");
    EXPECT_EQ(s.error().retryAfterSeconds, 40);
    now = now.addSecs(40);
    EXPECT_TRUE(admit(*c, k, 4));
}

TEST_F(CostControlsTest, MaxConcurrentFreesASlotOnFinish) {
    auto c = make();
    const KeyRecord k = key({{"max_concurrent", 1}});
    ASSERT_TRUE(admit(*c, k, 1));
    const Status s = admit(*c, k, 2);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, "rate_limit_exceeded");
    EXPECT_GE(s.error().retryAfterSeconds, 0);
    finish(*c, 1, 0);
    EXPECT_TRUE(admit(*c, k, 3));
}

TEST_F(CostControlsTest, GatewayWideBudgetCoversEveryKey) {
    auto c = make(GatewayBudget{20, BudgetPeriod::Day});
    KeyRecord a = key({});
    KeyRecord b = key({});
    b.id = QStringLiteral("k2");
    ASSERT_TRUE(admit(*c, a, 1));
    finish(*c, 1, 15, 0, "k1");
    ASSERT_TRUE(admit(*c, b, 2));
    finish(*c, 2, 5, 0, "k2");
    const Status s = admit(*c, b, 3);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, "budget_exceeded");
    EXPECT_TRUE(s.error().message.contains("gateway"));
}

TEST(KeyPolicy, ParsesAndRejectsWithTheFieldName) {
    auto ok = KeyPolicy::fromJson({{"models", QJsonArray{"gpt-4o*"}}, {"budget_usd", 2.5}, {"budget_period", "week"},
                                   {"rpm", 10}, {"tpm", 5000}, {"max_concurrent", 2}, {"expires_at", "2027-01-01T00:00:00Z"}});
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->budgetMicros, 2'500'000);
    EXPECT_EQ(ok->period, BudgetPeriod::Week);
    EXPECT_EQ(ok->rpm, 10);
    EXPECT_EQ(ok->tpm, 5000);
    EXPECT_EQ(ok->maxConcurrent, 2);
    EXPECT_EQ(KeyPolicy::fromJson(ok->toJson())->toJson(), ok->toJson());
    EXPECT_EQ(KeyPolicy::fromJson({{"rpm", 100'000'000}})->rpm, 100'000'000);  // a fast local server's share
    for (const QJsonObject& bad : {QJsonObject{{"budget_period", "fortnight"}}, QJsonObject{{"rpm", -1}},
                                   QJsonObject{{"rpm", 100'000'001}}, QJsonObject{{"rpm", 1.5}},
                                   QJsonObject{{"models", "gpt-4o"}}, QJsonObject{{"expires_at", "soon"}}}) {
        auto r = KeyPolicy::fromJson(bad);
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().param, bad.begin().key());
    }
}

TEST(BudgetPeriods, AreCalendarPeriodsInUtc) {
    const QDateTime t(QDate(2026, 2, 18), QTime(13, 30), Qt::UTC);  // a Wednesday
    EXPECT_EQ(periodStart(BudgetPeriod::Day, t), QDateTime(QDate(2026, 2, 18), QTime(0, 0), Qt::UTC));
    EXPECT_EQ(periodStart(BudgetPeriod::Week, t), QDateTime(QDate(2026, 2, 16), QTime(0, 0), Qt::UTC));
    EXPECT_EQ(periodEnd(BudgetPeriod::Month, t), QDateTime(QDate(2026, 3, 1), QTime(0, 0), Qt::UTC));
    EXPECT_FALSE(periodEnd(BudgetPeriod::Total, t).isValid());
}

TEST(BudgetPeriods, MillisecondStartsMatchTheCalendarOnes) {
    // The per-request arithmetic against QDateTime's calendar: each second around period
    // boundaries (a Sunday-to-Monday midnight, a month end, a leap day, before 1970).
    const QList<QDateTime> around = {
        QDateTime(QDate(2026, 2, 16), QTime(0, 0), Qt::UTC),  // a Monday
        QDateTime(QDate(2026, 3, 1), QTime(0, 0), Qt::UTC),
        QDateTime(QDate(2028, 2, 29), QTime(0, 0), Qt::UTC),
        QDateTime(QDate(2027, 1, 1), QTime(0, 0), Qt::UTC),
        QDateTime(QDate(1969, 12, 29), QTime(0, 0), Qt::UTC),
    };
    for (const QDateTime& boundary : around) {
        for (qint64 offset : {-86'400'000LL, -1000LL, -1LL, 0LL, 1LL, 1000LL, 3'600'000LL}) {
            const QDateTime t = boundary.addMSecs(offset);
            for (BudgetPeriod p : {BudgetPeriod::Day, BudgetPeriod::Week, BudgetPeriod::Month, BudgetPeriod::Total})
                EXPECT_EQ(periodStartMs(p, t.toMSecsSinceEpoch()), periodStart(p, t).toMSecsSinceEpoch())
                    << t.toString(Qt::ISODateWithMs).toStdString() << " period " << int(p);
        }
    }
}

}  // namespace
}  // namespace ar
