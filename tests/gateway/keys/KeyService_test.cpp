// Key management: policy validation, update, rotate, revoke, and changes made by another
// process (the CLI) reaching a running gateway's key store.
#include "keys/KeyService.h"

#include <gtest/gtest.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>

#include "auth/ApiKey.h"
#include "keys/KeyPolicy.h"

namespace ar::test {
namespace {

QJsonObject obj(const char* json) { return QJsonDocument::fromJson(json).object(); }

TEST(KeyPolicy, AcceptsEveryKnownFieldAndNormalises) {
    auto r = validateKeyPolicy(obj(R"({"models":["gpt-4o-mini","claude-*"],"budget_usd":12.5,
        "budget_period":"week","rpm":60,"tpm":100000,"max_concurrent":4,"expires_at":"2030-01-01T01:00:00+01:00"})"));
    ASSERT_TRUE(r.ok()) << qPrintable(r.error().message);
    EXPECT_EQ(QDateTime::fromString(r.value()["expires_at"].toString(), Qt::ISODateWithMs),
              QDateTime(QDate(2030, 1, 1), QTime(0, 0), Qt::UTC));
    EXPECT_EQ(r.value()["rpm"].toInt(), 60);
    EXPECT_EQ(r.value()["budget_period"].toString(), "week");
    EXPECT_EQ(r.value()["models"].toArray().size(), 2);
}

TEST(KeyPolicy, RejectsWrongFieldsWithTheFieldNamed) {
    const std::pair<const char*, const char*> cases[] = {
        {R"({"models":"gpt-4o"})", "models"},
        {R"({"models":[1]})", "models"},
        {R"({"budget_usd":-1})", "budget_usd"},
        {R"({"budget_usd":1,"budget_period":"fortnight"})", "budget_period"},
        {R"({"rpm":-1})", "rpm"},
        {R"({"tpm":1.5})", "tpm"},
        {R"({"max_concurrent":"4"})", "max_concurrent"},
        {R"({"expires_at":"tomorrow"})", "expires_at"},
        {R"({"rmp":10})", "rmp"},
    };
    for (const auto& [json, param] : cases) {
        auto r = validateKeyPolicy(obj(json));
        ASSERT_FALSE(r.ok()) << json;
        EXPECT_EQ(r.error().status, 400);
        EXPECT_EQ(r.error().param, param) << json;
        EXPECT_EQ(r.error().code, "invalid_policy");
    }
}

class KeyServiceTest : public ::testing::Test {
protected:
    QString path() const { return dir.filePath("keys.sqlite"); }
    QTemporaryDir dir;
};

TEST_F(KeyServiceTest, CreateShowUpdateRotateRevoke) {
    KeyStore store(path());
    ASSERT_TRUE(store.load().ok());
    KeyService keys(store);
    auto issued = keys.create(QStringLiteral("ci"), obj(R"({"rpm":5,"models":["a"]})"));
    ASSERT_TRUE(issued.ok()) << qPrintable(issued.error().message);
    const QString id = issued->record.id;
    EXPECT_TRUE(store.verify(issued->secret.toUtf8()).has_value());
    EXPECT_EQ(keys.show(id)->policy["rpm"].toInt(), 5);
    EXPECT_FALSE(keys.create(QStringLiteral("bad"), obj(R"({"rpm":-5})")).ok());

    auto updated = keys.updatePolicy(id, obj(R"({"rpm":7,"models":null})"));
    ASSERT_TRUE(updated.ok());
    EXPECT_EQ(updated->policy, obj(R"({"rpm":7})"));
    EXPECT_EQ(store.verify(issued->secret.toUtf8())->policy["rpm"].toInt(), 7);

    auto rotated = keys.rotate(id);
    ASSERT_TRUE(rotated.ok());
    EXPECT_EQ(rotated->record.id, id);
    EXPECT_EQ(rotated->record.policy, obj(R"({"rpm":7})"));
    EXPECT_FALSE(store.verify(issued->secret.toUtf8()).has_value());
    EXPECT_TRUE(store.verify(rotated->secret.toUtf8()).has_value());

    ASSERT_TRUE(keys.revoke(id).ok());
    EXPECT_FALSE(store.verify(rotated->secret.toUtf8()).has_value());
    EXPECT_TRUE(keys.show(id)->revoked);
    EXPECT_FALSE(keys.rotate(id).ok());
    EXPECT_EQ(keys.show(QStringLiteral("nope")).error().status, 404);
}

TEST_F(KeyServiceTest, ChangesByAnotherProcessApplyWithoutRestart) {
    KeyStore serving(path());  // the running gateway
    ASSERT_TRUE(serving.load().ok());
    KeyService servingKeys(serving);
    auto issued = servingKeys.create(QStringLiteral("laptop"), {});
    ASSERT_TRUE(issued.ok());
    const QByteArray secret = issued->secret.toUtf8();
    ASSERT_TRUE(serving.verify(secret).has_value());

    KeyStore cli(path());  // `agentrouter keys ...` in another process
    ASSERT_TRUE(cli.load().ok());
    KeyService cliKeys(cli);

    // With a long interval the serving store does not look at the file for a known key...
    serving.setRecheckIntervalMs(1'000'000'000);
    ASSERT_TRUE(cliKeys.updatePolicy(issued->record.id, obj(R"({"rpm":3})")).ok());
    EXPECT_FALSE(serving.verify(secret)->policy.contains("rpm"));
    // ...once the interval has passed it does, on the next request.
    serving.setRecheckIntervalMs(0);
    EXPECT_EQ(serving.verify(secret)->policy["rpm"].toInt(), 3);

    ASSERT_TRUE(cliKeys.revoke(issued->record.id).ok());
    EXPECT_FALSE(serving.verify(secret).has_value())
        << "a revocation by another process was not applied";
}

}  // namespace
}  // namespace ar::test
