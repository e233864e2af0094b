// The gateway as an OAuth device-flow issuer over real sockets: discovery, the RFC shapes of
// every answer, approval through the admin API, and the granted token on the admin API.
#include <gtest/gtest.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <atomic>

#include "gateway/admin/SecretsTestSupport.h"
#include "secrets/MemorySecretStore.h"
#include "secrets/SecretEntries.h"

namespace ar::test {
namespace {

const QByteArray kAdminToken = "ar-admin-oauth-test-token-0123456789";
const QByteArray kForm = "Content-Type: application/x-www-form-urlencoded\r\n";
const QByteArray kDeviceGrant = "urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code";

class OAuthEndpointsTest : public ::testing::Test {
protected:
    void SetUp() override {
        store.write(secretentry::kAdminToken, kAdminToken, &store, [](Status) {});
        gw = std::make_unique<SecretsGateway>(R"({"server":{"port":0}})", &store);
        ASSERT_TRUE(gw->ok()) << qPrintable(gw->error);
        // Time moves when the test says: the gateway's workers read this clock.
        gw->gateway->admin()->deviceFlow().setClock(
            [this] { return QDateTime::fromMSecsSinceEpoch(nowMs.load(), Qt::UTC); });
        gw->gateway->admin()->deviceFlow().setSettings(
            {.codeLifetimeSecs = 600, .pollIntervalSecs = 1});
    }

    ClientResponse form(const QByteArray& path, const QByteArray& body) {
        return gw->call("POST", path, body, kForm);
    }
    ClientResponse admin(const QByteArray& method, const QByteArray& path,
                         const QByteArray& body = {}, const QByteArray& token = kAdminToken) {
        return gw->call(
            method, path, body,
            adminAuth(token) + (body.isEmpty() ? "" : "Content-Type: application/json\r\n"));
    }
    ClientResponse poll(const QString& deviceCode, const QByteArray& client = "tare") {
        return form("/oauth/token", "grant_type=" + kDeviceGrant + "&device_code=" +
                                        deviceCode.toLatin1() + "&client_id=" + client);
    }
    // RFC 6749 section 5.2 error name of a 400 answer, checking its shape on the way.
    static QString oauthError(const ClientResponse& r) {
        const QJsonObject o = r.json();
        EXPECT_TRUE(o.value("error").isString()) << r.body.constData();
        EXPECT_TRUE(o.value("error_description").isString()) << r.body.constData();
        EXPECT_EQ(r.header("cache-control"), "no-store");
        return o.value("error").toString();
    }

    void advance(qint64 secs) { nowMs += secs * 1000; }

    std::atomic<qint64> nowMs{QDateTime::currentMSecsSinceEpoch()};
    MemorySecretStore store;
    std::unique_ptr<SecretsGateway> gw;
};

TEST_F(OAuthEndpointsTest, DiscoveryNamesTheIssuerTheClientAskedFor) {
    const QByteArray host = "127.0.0.1:" + QByteArray::number(gw->port());
    ClientResponse r = gw->raw("GET /.well-known/openid-configuration HTTP/1.1\r\nHost: " + host +
                               "\r\nConnection: close\r\n\r\n");
    ASSERT_EQ(r.status, 200) << r.body.constData();
    const QJsonObject d = r.json();
    const QString issuer = "http://" + QString::fromLatin1(host);
    EXPECT_EQ(d["issuer"].toString(), issuer);
    EXPECT_EQ(d["device_authorization_endpoint"].toString(),
              issuer + "/oauth/device_authorization");
    EXPECT_EQ(d["token_endpoint"].toString(), issuer + "/oauth/token");
    EXPECT_EQ(d["userinfo_endpoint"].toString(), issuer + "/oauth/userinfo");
    EXPECT_TRUE(d["grant_types_supported"].toArray().contains(
        QJsonValue(QStringLiteral("urn:ietf:params:oauth:grant-type:device_code"))));

    // A page re-pointed at 127.0.0.1 by DNS rebinding names its own host: refused.
    r = gw->raw(
        "GET /.well-known/openid-configuration HTTP/1.1\r\nHost: evil.example\r\n"
        "Connection: close\r\n\r\n");
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(r.error("code"), QStringLiteral("admin_bad_host"));
}

TEST_F(OAuthEndpointsTest, ApprovedThroughTheAdminApiTheTokenOpensTheAdminApi) {
    ClientResponse r = form("/oauth/device_authorization", "client_id=tare&scope=admin");
    ASSERT_EQ(r.status, 200) << r.body.constData();
    const QJsonObject codes = r.json();
    const QString deviceCode = codes["device_code"].toString();
    const QString userCode = codes["user_code"].toString();
    EXPECT_EQ(codes["verification_uri"].toString(),
              QStringLiteral("http://127.0.0.1/oauth/device"));
    EXPECT_EQ(codes["verification_uri_complete"].toString(),
              QStringLiteral("http://127.0.0.1/oauth/device?user_code=") + userCode);
    EXPECT_EQ(codes["expires_in"].toInt(), 600);
    EXPECT_EQ(codes["interval"].toInt(), 1);

    r = poll(deviceCode);
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(oauthError(r), QStringLiteral("authorization_pending"));

    // The admin API lists it, then approves it.
    r = admin("GET", "/admin/v1/device/requests");
    ASSERT_EQ(r.status, 200);
    ASSERT_EQ(r.json()["data"].toArray().size(), 1);
    EXPECT_EQ(r.json()["data"].toArray()[0].toObject()["user_code"].toString(), userCode);
    r = admin("POST", "/admin/v1/device/approve",
              R"({"user_code":")" + userCode.toLatin1() + "\"}");
    ASSERT_EQ(r.status, 200) << r.body.constData();
    EXPECT_EQ(r.json()["status"].toString(), QStringLiteral("approved"));
    EXPECT_EQ(r.json()["client_id"].toString(), QStringLiteral("tare"));

    advance(1);  // the interval the answer asked for
    r = poll(deviceCode);
    ASSERT_EQ(r.status, 200) << r.body.constData();
    EXPECT_EQ(r.header("cache-control"), "no-store");
    const QByteArray token = r.json()["access_token"].toString().toLatin1();
    EXPECT_TRUE(token.startsWith("ar-oauth-"));
    EXPECT_EQ(r.json()["token_type"].toString(), QStringLiteral("Bearer"));
    EXPECT_EQ(r.json()["expires_in"].toInt(), 30 * 24 * 3600);

    // The token works on the admin API and says who it is.
    r = admin("GET", "/admin/v1/keys", {}, token);
    EXPECT_EQ(r.status, 200) << r.body.constData();
    r = gw->call("GET", "/oauth/userinfo", {}, adminAuth(token));
    ASSERT_EQ(r.status, 200) << r.body.constData();
    EXPECT_TRUE(r.json()["sub"].toString().startsWith("tok_"));
    EXPECT_EQ(r.json()["client_id"].toString(), QStringLiteral("tare"));

    // ...but never on the OpenAI API, and it cannot be redeemed twice.
    r = gw->call("GET", "/v1/me", {}, bearer(QString::fromLatin1(token)));
    EXPECT_EQ(r.status, 401);
    advance(1);
    r = poll(deviceCode);
    EXPECT_EQ(oauthError(r), QStringLiteral("invalid_grant"));

    // Listed and revocable through the admin API; a revoked token is refused at once.
    r = admin("GET", "/admin/v1/device/tokens");
    ASSERT_EQ(r.json()["data"].toArray().size(), 1);
    const QByteArray id = r.json()["data"].toArray()[0].toObject()["id"].toString().toLatin1();
    EXPECT_FALSE(r.body.contains(token));
    r = admin("DELETE", "/admin/v1/device/tokens/" + id);
    EXPECT_EQ(r.status, 200) << r.body.constData();
    r = admin("GET", "/admin/v1/keys", {}, token);
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(r.error("code"), QStringLiteral("invalid_admin_token"));
}

TEST_F(OAuthEndpointsTest, DeniedAndWrongRequestsGetTheRfcErrors) {
    ClientResponse r = form("/oauth/device_authorization", "client_id=tare");
    ASSERT_EQ(r.status, 200);
    const QString deviceCode = r.json()["device_code"].toString();
    const QByteArray userCode = r.json()["user_code"].toString().toLatin1();

    r = admin("POST", "/admin/v1/device/deny", R"({"user_code":")" + userCode + "\"}");
    ASSERT_EQ(r.status, 200) << r.body.constData();
    EXPECT_EQ(r.json()["status"].toString(), QStringLiteral("denied"));
    EXPECT_EQ(oauthError(poll(deviceCode)), QStringLiteral("access_denied"));
    r = admin("POST", "/admin/v1/device/approve", R"({"user_code":")" + userCode + "\"}");
    EXPECT_EQ(r.status, 409);

    r = admin("POST", "/admin/v1/device/approve", R"({"user_code":"BCDF-GHJK"})");
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.error("code"), QStringLiteral("user_code_not_found"));
    r = admin("POST", "/admin/v1/device/approve", R"({"code":"x"})");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.error("param"), QStringLiteral("user_code"));
    r = gw->call("POST", "/admin/v1/device/approve", R"({"user_code":"BCDF-GHJK"})");
    EXPECT_EQ(r.status, 401) << "deciding needs the admin token";

    r = form("/oauth/token", "grant_type=password&username=a&password=b");
    EXPECT_EQ(oauthError(r), QStringLiteral("unsupported_grant_type"));
    r = form("/oauth/token", "grant_type=" + kDeviceGrant + "&client_id=tare");
    EXPECT_EQ(oauthError(r), QStringLiteral("invalid_request"));
    r = form("/oauth/token", "grant_type=" + kDeviceGrant + "&device_code=nope&client_id=tare");
    EXPECT_EQ(oauthError(r), QStringLiteral("invalid_grant"));
    r = gw->call("POST", "/oauth/token", R"({"grant_type":"x"})",
                 "Content-Type: application/json\r\n");
    EXPECT_EQ(oauthError(r), QStringLiteral("invalid_request"));
    r = form("/oauth/device_authorization", "scope=admin");
    EXPECT_EQ(oauthError(r), QStringLiteral("invalid_request"));
    r = gw->call("GET", "/oauth/token");
    EXPECT_EQ(r.status, 405);
    r = gw->call("GET", "/oauth/userinfo", {}, adminAuth("ar-oauth-forged"));
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(r.json()["error"].toString(), QStringLiteral("invalid_token"));
    EXPECT_TRUE(r.header("www-authenticate").startsWith("Bearer"));

    // The gateway still serves after all that.
    EXPECT_EQ(gw->call("GET", "/health").status, 200);
}

TEST_F(OAuthEndpointsTest, TokensExpireAndCanBeRevokedByTheirHolder) {
    ClientResponse r = form("/oauth/device_authorization", "client_id=tare");
    const QString deviceCode = r.json()["device_code"].toString();
    ASSERT_TRUE(gw->gateway->admin()->deviceFlow().approve(r.json()["user_code"].toString()).ok());
    advance(1);
    r = poll(deviceCode);
    ASSERT_EQ(r.status, 200) << r.body.constData();
    const QByteArray token = r.json()["access_token"].toString().toLatin1();
    EXPECT_EQ(admin("GET", "/admin/v1/keys", {}, token).status, 200);
    advance(30 * 86400);
    EXPECT_EQ(admin("GET", "/admin/v1/keys", {}, token).status, 401) << "expired after 30 days";

    // A second sign-in, revoked by its holder (RFC 7009; unknown tokens are no error).
    advance(-30 * 86400);
    r = form("/oauth/device_authorization", "client_id=tare");
    const QString second = r.json()["device_code"].toString();
    ASSERT_TRUE(gw->gateway->admin()->deviceFlow().approve(r.json()["user_code"].toString()).ok());
    advance(2);
    r = poll(second);
    ASSERT_EQ(r.status, 200) << r.body.constData();
    const QByteArray token2 = r.json()["access_token"].toString().toLatin1();
    EXPECT_EQ(admin("GET", "/admin/v1/keys", {}, token2).status, 200);
    EXPECT_EQ(form("/oauth/revoke", "token=" + token2).status, 200);
    EXPECT_EQ(admin("GET", "/admin/v1/keys", {}, token2).status, 401);
    EXPECT_EQ(form("/oauth/revoke", "token=ar-oauth-unknown").status, 200);
}

}  // namespace
}  // namespace ar::test
