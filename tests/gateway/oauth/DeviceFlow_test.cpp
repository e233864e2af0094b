// The device authorization grant's state machine (RFC 8628) with time injected: what a polling
// client hears at each step, and what approving, denying and expiry do.
#include "oauth/DeviceFlow.h"

#include <gtest/gtest.h>

#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>

namespace ar {
namespace {

struct Flow {
    QDateTime now = QDateTime(QDate(2026, 11, 26), QTime(6, 0), Qt::UTC);
    DeviceFlow flow;
    Flow(DeviceFlowSettings settings = {}) {
        flow.setSettings(settings);
        flow.setClock([this] { return now; });
    }
    void advance(qint64 secs) { now = now.addSecs(secs); }
    // What a poll gets: "token" or the RFC error name.
    QString poll(const QByteArray& deviceCode, const QString& client = QStringLiteral("tare")) {
        auto r = flow.exchange(deviceCode, client);
        return r ? QStringLiteral("token") : r.error().code;
    }
};

TEST(DeviceFlow, PendingUntilApprovedThenOneTokenThatOpensTheAdminApi) {
    Flow f;
    QStringList asked;  // "code client scope" per signal
    QObject::connect(&f.flow, &DeviceFlow::authorizationRequested,
                     [&](const QString& code, const QString& client, const QString& scope) {
                         asked << code + ' ' + client + ' ' + scope;
                     });
    auto started = f.flow.start(QStringLiteral("tare"), QStringLiteral("admin"));
    ASSERT_TRUE(started.ok());
    EXPECT_TRUE(
        QRegularExpression(QStringLiteral("^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$"))
            .match(started->userCode)
            .hasMatch())
        << qPrintable(started->userCode);
    EXPECT_EQ(started->expiresIn, 600);
    EXPECT_EQ(started->interval, 5);
    EXPECT_GE(started->deviceCode.size(), 32);
    EXPECT_EQ(asked, QStringList{started->userCode + QStringLiteral(" tare admin")});
    ASSERT_EQ(f.flow.pending().size(), 1);
    EXPECT_EQ(f.flow.pending().first().clientId, QStringLiteral("tare"));

    EXPECT_EQ(f.poll(started->deviceCode), QStringLiteral("authorization_pending"));
    f.advance(5);
    EXPECT_EQ(f.poll(started->deviceCode), QStringLiteral("authorization_pending"));

    // Typed the lazy way: lower case, no dash.
    QStringList decided;
    QObject::connect(&f.flow, &DeviceFlow::authorizationDecided,
                     [&](const QString& code, bool approved) {
                         decided << code + (approved ? " approved" : " denied");
                     });
    auto approved = f.flow.approve(started->userCode.toLower().remove(QLatin1Char('-')));
    ASSERT_TRUE(approved.ok()) << qPrintable(approved.error().message);
    EXPECT_EQ(decided, QStringList{started->userCode + QStringLiteral(" approved")});
    EXPECT_TRUE(f.flow.pending().isEmpty());

    f.advance(5);
    auto token = f.flow.exchange(started->deviceCode, QStringLiteral("tare"));
    ASSERT_TRUE(token.ok()) << qPrintable(token.error().message);
    EXPECT_TRUE(token->token.startsWith("ar-oauth-"));
    EXPECT_EQ(token->record.expiresAt, f.now.addDays(30));
    auto verified = f.flow.tokens().verify(token->token);
    ASSERT_TRUE(verified.has_value());
    EXPECT_EQ(verified->clientId, QStringLiteral("tare"));
    EXPECT_EQ(verified->scope, QStringLiteral("admin"));

    // The device code is spent: a second exchange (a replay) gets nothing.
    f.advance(5);
    EXPECT_EQ(f.poll(started->deviceCode), QStringLiteral("invalid_grant"));
    EXPECT_FALSE(f.flow.approve(started->userCode).ok());
}

TEST(DeviceFlow, DeniedCodesAnswerAccessDeniedAndCannotBeApprovedLater) {
    Flow f;
    auto started = f.flow.start(QStringLiteral("tare"), QStringLiteral("admin"));
    ASSERT_TRUE(started.ok());
    ASSERT_TRUE(f.flow.deny(started->userCode).ok());
    EXPECT_EQ(f.poll(started->deviceCode), QStringLiteral("access_denied"));
    auto late = f.flow.approve(started->userCode);
    ASSERT_FALSE(late.ok());
    EXPECT_EQ(late.error().status, 409);
    EXPECT_EQ(late.error().code, QStringLiteral("user_code_already_decided"));
    f.advance(5);
    EXPECT_EQ(f.poll(started->deviceCode), QStringLiteral("access_denied"));
}

TEST(DeviceFlow, CodesExpireAfterTheirLifetime) {
    Flow f({.codeLifetimeSecs = 120, .pollIntervalSecs = 5});
    auto started = f.flow.start(QStringLiteral("tare"), QStringLiteral("admin"));
    ASSERT_TRUE(started.ok());
    EXPECT_EQ(started->expiresIn, 120);
    f.advance(119);
    EXPECT_EQ(f.poll(started->deviceCode), QStringLiteral("authorization_pending"));
    f.advance(1);
    EXPECT_EQ(f.poll(started->deviceCode), QStringLiteral("expired_token"));
    auto late = f.flow.approve(started->userCode);
    ASSERT_FALSE(late.ok());
    EXPECT_EQ(late.error().code, QStringLiteral("user_code_expired"));
    EXPECT_TRUE(f.flow.pending().isEmpty());
    // Long after, the code is forgotten altogether.
    f.advance(3600);
    EXPECT_EQ(f.poll(started->deviceCode), QStringLiteral("invalid_grant"));
}

TEST(DeviceFlow, PollingFasterThanTheIntervalSlowsTheClientDownForGood) {
    Flow f;
    auto started = f.flow.start(QStringLiteral("tare"), QStringLiteral("admin"));
    ASSERT_TRUE(started.ok());
    EXPECT_EQ(f.poll(started->deviceCode), QStringLiteral("authorization_pending"));
    f.advance(1);
    auto fast = f.flow.exchange(started->deviceCode, QStringLiteral("tare"));
    ASSERT_FALSE(fast.ok());
    EXPECT_EQ(fast.error().code, QStringLiteral("slow_down"));
    EXPECT_TRUE(fast.error().message.contains(QStringLiteral("10 seconds")));
    // The interval is now 10 s: 6 s is still too fast (and adds 5 more)...
    f.advance(6);
    EXPECT_EQ(f.poll(started->deviceCode), QStringLiteral("slow_down"));
    // ...15 s is fine.
    f.advance(15);
    EXPECT_EQ(f.poll(started->deviceCode), QStringLiteral("authorization_pending"));
}

TEST(DeviceFlow, OnlyTheClientTheCodeWasIssuedToCanRedeemIt) {
    Flow f;
    auto started = f.flow.start(QStringLiteral("tare"), QStringLiteral("admin"));
    ASSERT_TRUE(started.ok());
    ASSERT_TRUE(f.flow.approve(started->userCode).ok());
    auto other = f.flow.exchange(started->deviceCode, QStringLiteral("other-client"));
    ASSERT_FALSE(other.ok());
    EXPECT_EQ(other.error().code, QStringLiteral("invalid_grant"));
    EXPECT_EQ(other.error().status, 400);
    f.advance(5);
    EXPECT_EQ(f.poll(started->deviceCode), QStringLiteral("token"));
}

TEST(DeviceFlow, RejectsUnknownCodesAndMissingClients) {
    Flow f;
    EXPECT_EQ(f.poll("not-a-device-code"), QStringLiteral("invalid_grant"));
    auto noClient = f.flow.start(QString(), QStringLiteral("admin"));
    ASSERT_FALSE(noClient.ok());
    EXPECT_EQ(noClient.error().code, QStringLiteral("invalid_request"));
    auto unknown = f.flow.approve(QStringLiteral("BCDF-GHJK"));
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error().status, 404);
    EXPECT_EQ(unknown.error().code, QStringLiteral("user_code_not_found"));
}

TEST(DeviceFlow, LimitsUndecidedRequests) {
    Flow f({.maxPending = 3});
    for (int i = 0; i < 3; ++i)
        ASSERT_TRUE(f.flow.start(QStringLiteral("tare"), QStringLiteral("admin")).ok());
    auto fourth = f.flow.start(QStringLiteral("tare"), QStringLiteral("admin"));
    ASSERT_FALSE(fourth.ok());
    EXPECT_EQ(fourth.error().code, QStringLiteral("slow_down"));
    ASSERT_TRUE(f.flow.deny(f.flow.pending().first().userCode).ok());
    EXPECT_TRUE(f.flow.start(QStringLiteral("tare"), QStringLiteral("admin")).ok());
}

TEST(AccessTokens, ExpireRevokeAndSurviveARestartAsHashesOnly) {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("oauth-tokens.json"));
    QDateTime now = QDateTime(QDate(2026, 11, 26), QTime(6, 0), Qt::UTC);
    Clock clock = [&] { return now; };
    AccessTokens tokens(clock);
    tokens.setFilePath(path);
    ASSERT_TRUE(tokens.load().ok());
    auto a = tokens.issue(QStringLiteral("tare"), QStringLiteral("admin"), 3600);
    auto b = tokens.issue(QStringLiteral("tare"), QStringLiteral("admin"), 7200);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_NE(a->token, b->token);

    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    const QByteArray stored = file.readAll();
    EXPECT_FALSE(stored.contains(a->token)) << "the token itself must never be stored";
    EXPECT_TRUE(stored.contains(a->record.id.toLatin1()));
    EXPECT_EQ(file.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther), 0);

    AccessTokens reloaded(clock);
    reloaded.setFilePath(path);
    ASSERT_TRUE(reloaded.load().ok());
    ASSERT_TRUE(reloaded.verify(a->token).has_value());
    EXPECT_EQ(reloaded.list().size(), 2);
    EXPECT_FALSE(reloaded.verify("ar-oauth-forged").has_value());
    EXPECT_FALSE(reloaded.verify(a->token.chopped(1)).has_value());

    now = now.addSecs(3600);
    EXPECT_FALSE(reloaded.verify(a->token).has_value()) << "expired";
    EXPECT_TRUE(reloaded.verify(b->token).has_value());
    ASSERT_TRUE(reloaded.revoke(b->record.id).ok());
    EXPECT_FALSE(reloaded.verify(b->token).has_value());
    EXPECT_EQ(reloaded.revoke(b->record.id).error().status, 404);

    AccessTokens again(clock);
    again.setFilePath(path);
    ASSERT_TRUE(again.load().ok());
    EXPECT_FALSE(again.verify(b->token).has_value()) << "the revocation was saved";
}

}  // namespace
}  // namespace ar
