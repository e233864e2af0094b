// The real `tare` binary against a gateway started by the test, with the real (private)
// keychain: sign-in with the device flow approved through the admin service, then keys,
// providers and models, and the ways a sign-in fails.
#include <QJsonArray>
#include <QJsonDocument>
#include <QTcpServer>

#include "oauth/DeviceFlow.h"
#include "secrets/KeychainSecretStore.h"
#include "secrets/SecretEntries.h"
#include "support/FakeUpstream.h"
#include "support/TestData.h"
#include "tare/TareSupport.h"

namespace ar::test {
namespace {

QByteArray keychainRead(SecretStore& s, const QString& entry) {
    using ReadResult = Result<std::optional<QByteArray>>;
    ReadResult r =
        awaitSecret<ReadResult>([&](QObject* ctx, auto done) { s.read(entry, ctx, done); });
    return r.ok() && r.value() ? *r.value() : QByteArray();
}

QByteArray config(const QString& upstream) {
    return R"({"server":{"port":0},
  "providers":[{"id":"fake","type":"openai-compatible","base_url":")" +
           upstream.toUtf8() + R"(","api_key_env":"AR_TEST_TARE_UNSET"}],
  "routes":[{"model":"gpt-4o-mini","targets":[{"provider":"fake","model":"gpt-4o-mini-2024-07-18"}]},
            {"model":"fast","targets":[{"provider":"fake","model":"a"},{"provider":"fake","model":"b"}]}]})";
}

class TareEndToEnd : public ::testing::Test {
protected:
    void SetUp() override {
        if (qEnvironmentVariableIsEmpty("AR_TEST_KEYRING"))
            GTEST_SKIP() << "no private keyring (run through scripts/test.sh or "
                            "scripts/with-keyring.sh)";
        upstream.setHandler([](const HttpRequest&) {
            return FakeResponse::json(200, testData("openai/chat_completion.json"));
        });
        gw = std::make_unique<SecretsGateway>(config(upstream.baseUrl()), &store);
        ASSERT_TRUE(gw->ok()) << qPrintable(gw->error);
        gw->gateway->admin()->deviceFlow().setSettings(
            {.codeLifetimeSecs = 60, .pollIntervalSecs = 1});
        adminToken = keychainRead(store, secretentry::kAdminToken);
        ASSERT_TRUE(adminToken.startsWith("ar-admin-"));
        url = QStringLiteral("http://127.0.0.1:%1").arg(gw->port());
    }

    ClientResponse approve(const QString& code, const char* decision = "approve") {
        return gw->call("POST", QByteArray("/admin/v1/device/") + decision,
                        R"({"user_code":")" + code.toLatin1() + "\"}",
                        adminAuth(adminToken) + "Content-Type: application/json\r\n");
    }

    // `tare api login` approved through the admin API.
    void login() {
        Child run("tare", {"api", "login", "--issuer", url});
        const QString code = run.waitForErr(kUserCode);
        ASSERT_FALSE(code.isEmpty()) << "no user code shown";
        ASSERT_EQ(approve(code).status, 200);
        const ProcessResult r = run.finish();
        ASSERT_EQ(r.exitCode, 0) << qPrintable(r.err);
    }

    ClientResponse me(const QString& key) { return gw->call("GET", "/v1/me", {}, bearer(key)); }

    FakeUpstream upstream;
    KeychainSecretStore store{secretentry::kService, 20'000};
    KeychainSecretStore tareStore{QStringLiteral("agentrouter-tare"), 20'000};
    std::unique_ptr<SecretsGateway> gw;
    QByteArray adminToken;
    QString url;
};

TEST(Tare, VersionHelpAndUsageErrors) {
    ProcessResult r = tare({"--version"});
    EXPECT_EQ(r.exitCode, 0);
    EXPECT_EQ(r.out, QStringLiteral("tare " AR_VERSION "\n"));
    r = tare({"--help"});
    EXPECT_EQ(r.exitCode, 0);
    EXPECT_TRUE(r.out.contains("api login")) << qPrintable(r.out);
    EXPECT_TRUE(r.out.contains("NO_COLOR"));
    for (const QStringList& help :
         {QStringList{"api", "--help"}, QStringList{"api", "login", "--help"},
          QStringList{"api", "whoami", "--help"}, QStringList{"api", "keys", "--help"},
          QStringList{"api", "keys", "create", "--help"},
          QStringList{"api", "keys", "rotate", "-h"}, QStringList{"usage", "--help"},
          QStringList{"providers", "--help"}, QStringList{"providers", "list", "--help"},
          QStringList{"models", "--help"}}) {
        r = tare(help);
        EXPECT_EQ(r.exitCode, 0) << qPrintable(help.join(' '));
        EXPECT_FALSE(r.out.isEmpty()) << qPrintable(help.join(' '));
    }
    r = tare({"api", "keys", "create", "--help"});
    EXPECT_TRUE(r.out.contains("--budget") && r.out.contains("--expires")) << qPrintable(r.out);

    // Wrong usage: exit 2, the reason on stderr, nothing on stdout, before any network call.
    for (const QStringList& bad :
         {QStringList{}, QStringList{"bogus"}, QStringList{"api"}, QStringList{"api", "keys"},
          QStringList{"api", "keys", "create"},
          QStringList{"api", "keys", "create", "--name", "x", "--budget", "abc"},
          QStringList{"api", "keys", "create", "--name", "x", "--budget", "5", "--period",
                      "fortnight"},
          QStringList{"api", "keys", "create", "--name", "x", "--expires", "soon"},
          QStringList{"api", "keys", "show"}, QStringList{"api", "keys", "revoke", "a", "b"},
          QStringList{"api", "whoami", "--frobnicate"}, QStringList{"usage", "--by", "color"},
          QStringList{"usage", "--csv", "--json"}, QStringList{"usage", "--since", "yesterday-ish"},
          QStringList{"providers", "delete"}, QStringList{"api", "login", "--issuer", "ftp://x"},
          QStringList{"models", "--url", "not a url"}}) {
        r = tare(bad);
        EXPECT_EQ(r.exitCode, 2) << qPrintable(bad.join(' ')) << "\n" << qPrintable(r.err);
        EXPECT_FALSE(r.err.isEmpty()) << qPrintable(bad.join(' '));
        EXPECT_TRUE(r.out.isEmpty()) << qPrintable(bad.join(' '));
    }
    r = tare({"api", "keys", "create", "--name", "x", "--budget", "abc"});
    EXPECT_TRUE(r.err.contains("--budget")) << qPrintable(r.err);
}

TEST_F(TareEndToEnd, LoginWhoamiKeysProvidersAndModels) {
    login();
    // The token is in the keychain, filed under the issuer, and that issuer is now current.
    const QJsonObject saved = QJsonDocument::fromJson(keychainRead(tareStore, url)).object();
    EXPECT_TRUE(saved["access_token"].toString().startsWith("ar-oauth-"));
    EXPECT_EQ(saved["issuer"].toString(), url);
    EXPECT_EQ(keychainRead(tareStore, QStringLiteral("current")), url.toUtf8());

    ProcessResult r = tare({"api", "whoami", "--url", url});
    ASSERT_EQ(r.exitCode, 0) << qPrintable(r.err);
    EXPECT_TRUE(r.out.contains(url + " (current)")) << qPrintable(r.out);
    EXPECT_TRUE(r.out.contains("Agent Router administrator"));
    EXPECT_TRUE(r.out.contains("(in 29 days)") || r.out.contains("(in 30 days)"))
        << qPrintable(r.out);
    r = tare({"api", "whoami", "--json"});  // the current sign-in, no --url
    ASSERT_EQ(r.exitCode, 0) << qPrintable(r.err);
    QJsonObject who = QJsonDocument::fromJson(r.out.toUtf8()).object();
    EXPECT_EQ(who["issuer"].toString(), url);
    EXPECT_EQ(who["client_id"].toString(), QStringLiteral("tare"));
    EXPECT_EQ(who["scope"].toString(), QStringLiteral("admin"));
    EXPECT_TRUE(who["sub"].toString().startsWith("tok_"));
    const QDateTime expires = QDateTime::fromString(who["expires_at"].toString(), Qt::ISODate);
    EXPECT_NEAR(QDateTime::currentDateTimeUtc().secsTo(expires), 30 * 86400, 120);

    // keys create: the key once on stdout, and it works on /v1/me (the README's curl check).
    r = tare({"api", "keys", "create", "--url", url, "--name", "ci", "--models", "gpt-4o*",
              "--budget", "5", "--period", "day", "--rpm", "60", "--tpm", "100000", "--expires",
              "2099-01-01T00:00:00Z"});
    ASSERT_EQ(r.exitCode, 0) << qPrintable(r.err);
    const QString key = r.out.trimmed();
    EXPECT_TRUE(key.startsWith("sk-ar-")) << qPrintable(r.out);
    EXPECT_EQ(r.out.count('\n'), 1);
    EXPECT_TRUE(r.err.contains("shown only once"));
    ClientResponse m = me(key);
    ASSERT_EQ(m.status, 200) << m.body.constData();
    const QString id = m.json()["id"].toString();
    EXPECT_EQ(m.json()["name"].toString(), QStringLiteral("ci"));
    EXPECT_EQ(m.json()["policy"].toObject()["budget_usd"].toDouble(), 5.0);
    EXPECT_EQ(m.json()["policy"].toObject()["budget_period"].toString(), QStringLiteral("day"));
    EXPECT_EQ(m.json()["policy"].toObject()["rpm"].toInt(), 60);
    EXPECT_EQ(m.json()["policy"].toObject()["models"].toArray().first().toString(),
              QStringLiteral("gpt-4o*"));

    r = tare({"api", "keys", "list", "--url", url});
    ASSERT_EQ(r.exitCode, 0) << qPrintable(r.err);
    EXPECT_TRUE(r.out.startsWith("ID ")) << qPrintable(r.out);
    EXPECT_TRUE(
        r.out.contains(QRegularExpression(id + "\\s+ci\\s+\\S+\\s+active\\s+gpt-4o\\*; \\$5/day")))
        << qPrintable(r.out);
    EXPECT_FALSE(r.out.contains(key.section('.', 1))) << "never a secret in a listing";
    EXPECT_FALSE(r.out.contains("\x1b[")) << "no colour when stdout is not a terminal";
    r = tare({"api", "keys", "list", "--url", url, "--json"});
    ASSERT_EQ(r.exitCode, 0);
    const QJsonArray keys = QJsonDocument::fromJson(r.out.toUtf8()).object()["data"].toArray();
    bool listed = false;
    for (const QJsonValue k : keys) listed |= k.toObject()["id"].toString() == id;
    EXPECT_TRUE(listed) << qPrintable(r.out);

    r = tare({"api", "keys", "show", id, "--url", url});
    ASSERT_EQ(r.exitCode, 0) << qPrintable(r.err);
    EXPECT_TRUE(r.out.contains(QRegularExpression("status\\s+active"))) << qPrintable(r.out);
    r = tare({"api", "keys", "show", "nosuchkey", "--url", url});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(r.err.contains("nosuchkey")) << qPrintable(r.err);

    // rotate: a new secret once; the old one stops working.
    r = tare({"api", "keys", "rotate", id, "--url", url, "--json"});
    ASSERT_EQ(r.exitCode, 0) << qPrintable(r.err);
    const QString rotated = QJsonDocument::fromJson(r.out.toUtf8()).object()["secret"].toString();
    EXPECT_TRUE(rotated.startsWith("sk-ar-" + id + "."));
    EXPECT_EQ(me(key).status, 401);
    EXPECT_EQ(me(rotated).status, 200);

    // revoke: the key gets 401 on /v1/me.
    r = tare({"api", "keys", "revoke", id, "--url", url});
    ASSERT_EQ(r.exitCode, 0) << qPrintable(r.err);
    EXPECT_EQ(r.out, QStringLiteral("Revoked key %1.\n").arg(id));
    m = me(rotated);
    EXPECT_EQ(m.status, 401);
    r = tare({"api", "keys", "show", id, "--url", url, "--json"});
    EXPECT_TRUE(QJsonDocument::fromJson(r.out.toUtf8()).object()["revoked"].toBool());

    r = tare({"providers", "list", "--url", url});
    ASSERT_EQ(r.exitCode, 0) << qPrintable(r.err);
    EXPECT_TRUE(
        r.out.contains(QRegularExpression("fake\\s+openai-compatible\\s+not set\\s+none "
                                          "\\$AR_TEST_TARE_UNSET\\s+" +
                                          QRegularExpression::escape(upstream.baseUrl()))))
        << qPrintable(r.out);
    r = tare({"providers", "list", "--url", url, "--json"});
    EXPECT_EQ(QJsonDocument::fromJson(r.out.toUtf8())
                  .object()["data"]
                  .toArray()[0]
                  .toObject()["id"]
                  .toString(),
              QStringLiteral("fake"));

    r = tare({"models", "--url", url});
    ASSERT_EQ(r.exitCode, 0) << qPrintable(r.err);
    EXPECT_TRUE(r.out.contains(QRegularExpression("gpt-4o-mini\\s+fake/gpt-4o-mini-2024-07-18")));
    EXPECT_TRUE(r.out.contains(QRegularExpression("fast\\s+fake/a, fake/b"))) << qPrintable(r.out);
    r = tare({"models", "--url", url, "--json"});
    EXPECT_EQ(QJsonDocument::fromJson(r.out.toUtf8()).object()["data"].toArray().size(), 2);
}

TEST_F(TareEndToEnd, UsageFromTheGatewaysLedger) {
    login();
    ProcessResult r = tare({"api", "keys", "create", "--url", url, "--name", "usage"});
    ASSERT_EQ(r.exitCode, 0) << qPrintable(r.err);
    const QString key = r.out.trimmed();
    const QString id = key.mid(6).section('.', 0, 0);
    for (int i = 0; i < 2; ++i)
        ASSERT_EQ(gw->call("POST", "/v1/chat/completions",
                           R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]})",
                           bearer(key))
                      .status,
                  200);
    // The ledger writer commits within a moment.
    ASSERT_TRUE(pumpUntil([&] {
        return gw->call("GET", "/admin/v1/usage/totals?from=1h", {}, adminAuth(adminToken))
                   .json()["requests"]
                   .toInt() == 2;
    }));

    r = tare({"usage", "--url", url, "--since", "1h", "--by", "model", "--json"});
    ASSERT_EQ(r.exitCode, 0) << qPrintable(r.err);
    const QJsonArray data = QJsonDocument::fromJson(r.out.toUtf8()).object()["data"].toArray();
    ASSERT_EQ(data.size(), 1) << qPrintable(r.out);
    const QJsonObject model = data[0].toObject();
    EXPECT_EQ(model["group"].toString(), QStringLiteral("gpt-4o-mini"));
    EXPECT_EQ(model["requests"].toInt(), 2);
    EXPECT_EQ(model["prompt_tokens"].toInt(), 2 * 19);  // the fixture's usage, twice
    EXPECT_EQ(model["completion_tokens"].toInt(), 2 * 8);
    EXPECT_GT(model["cost_micros"].toInt(), 0);

    r = tare({"usage", "--url", url, "--since", "1h", "--by", "key"});
    ASSERT_EQ(r.exitCode, 0) << qPrintable(r.err);
    EXPECT_TRUE(r.out.contains(QRegularExpression("\\n" + id + "\\s+usage\\s+2\\s+0\\s+38\\s+")))
        << qPrintable(r.out);
    r = tare({"usage", "--url", url, "--since", "1h", "--csv"});
    ASSERT_EQ(r.exitCode, 0) << qPrintable(r.err);
    EXPECT_TRUE(r.out.section('\n', 1, 1).startsWith("2,0,38,0,0,16,0,0,")) << qPrintable(r.out);
    r = tare({"usage", "--url", url});
    ASSERT_EQ(r.exitCode, 0) << qPrintable(r.err);
    EXPECT_TRUE(r.out.contains(QRegularExpression("requests\\s+2\\n"))) << qPrintable(r.out);
}

TEST_F(TareEndToEnd, KeysCanBeKeptInTheGatewaysKeychainOnRequest) {
    login();
    ProcessResult r = tare(
        {"api", "keys", "create", "--url", url, "--name", "kept", "--keep-in-keychain", "--json"});
    ASSERT_EQ(r.exitCode, 0) << qPrintable(r.err);
    const QJsonObject created = QJsonDocument::fromJson(r.out.toUtf8()).object();
    EXPECT_TRUE(created["stored_in_keychain"].toBool()) << qPrintable(r.out);
    const QString id = created["key"].toObject()["id"].toString();
    EXPECT_EQ(keychainRead(store, secretentry::gatewayKey(id)),
              created["secret"].toString().toUtf8());
    r = tare({"api", "keys", "create", "--url", url, "--name", "not-kept", "--json"});
    ASSERT_EQ(r.exitCode, 0) << qPrintable(r.err);
    const QString other =
        QJsonDocument::fromJson(r.out.toUtf8()).object()["key"].toObject()["id"].toString();
    EXPECT_TRUE(keychainRead(store, secretentry::gatewayKey(other)).isEmpty());
}

TEST_F(TareEndToEnd, ColourOnlyWhenAskedAndNeverWithNoColor) {
    login();
    ASSERT_EQ(tare({"api", "keys", "create", "--url", url, "--name", "c"}).exitCode, 0);
    ProcessResult r = tare({"api", "keys", "list", "--url", url}, {"CLICOLOR_FORCE=1"});
    ASSERT_EQ(r.exitCode, 0);
    EXPECT_TRUE(r.out.contains("\x1b[32mactive")) << qPrintable(r.out);
    r = tare({"api", "keys", "list", "--url", url}, {"CLICOLOR_FORCE=1", "NO_COLOR=1"});
    ASSERT_EQ(r.exitCode, 0);
    EXPECT_FALSE(r.out.contains("\x1b[")) << qPrintable(r.out);
    EXPECT_TRUE(r.out.contains("active"));
}

TEST_F(TareEndToEnd, DeniedWithAgentrouterDenyFailsTheLogin) {
    Child run("tare", {"api", "login", "--issuer", url});
    const QString code = run.waitForErr(kUserCode);
    ASSERT_FALSE(code.isEmpty());
    // Headless: the agentrouter binary decides, with the admin token from the keychain.
    ProcessResult d = Child("agentrouter", {"deny", code, "--url", url}).finish();
    ASSERT_EQ(d.exitCode, 0) << qPrintable(d.err);
    EXPECT_TRUE(d.out.contains("Denied code " + code)) << qPrintable(d.out);
    const ProcessResult r = run.finish();
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(r.err.contains("denied")) << qPrintable(r.err);
    EXPECT_TRUE(keychainRead(tareStore, url).isEmpty()) << "nothing saved";
    ProcessResult who = tare({"api", "whoami", "--url", url});
    EXPECT_EQ(who.exitCode, 1);
    EXPECT_TRUE(who.err.contains("not signed in")) << qPrintable(who.err);

    // agentrouter approve of a code nobody asked for fails plainly.
    d = Child("agentrouter", {"approve", "BCDF-GHJK", "--url", url}).finish();
    EXPECT_EQ(d.exitCode, 1);
    EXPECT_TRUE(d.err.contains("BCDF-GHJK")) << qPrintable(d.err);
    EXPECT_EQ(Child("agentrouter", {"approve"}).finish().exitCode, 2);
}

TEST_F(TareEndToEnd, ApprovedWithAgentrouterApprove) {
    Child run("tare", {"api", "login", "--issuer", url + "/"});
    const QString code = run.waitForErr(kUserCode);
    ASSERT_FALSE(code.isEmpty());
    ProcessResult a = Child("agentrouter", {"approve", code.toLower(), "--url", url}).finish();
    ASSERT_EQ(a.exitCode, 0) << qPrintable(a.err);
    EXPECT_TRUE(a.out.contains("Approved code " + code)) << qPrintable(a.out);
    const ProcessResult r = run.finish();
    ASSERT_EQ(r.exitCode, 0) << qPrintable(r.err);
    EXPECT_EQ(tare({"api", "keys", "list", "--url", url}).exitCode, 0);
}

TEST_F(TareEndToEnd, AnExpiredCodeFailsTheLogin) {
    gw->gateway->admin()->deviceFlow().setSettings({.codeLifetimeSecs = 2, .pollIntervalSecs = 1});
    Child run("tare", {"api", "login", "--issuer", url});
    const QString code = run.waitForErr(kUserCode);
    ASSERT_FALSE(code.isEmpty());
    const ProcessResult r = run.finish();
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(r.err.contains("expired")) << qPrintable(r.err);
    // Too late to approve: expired (400), or already forgotten (404) on a slow machine.
    const int late = approve(code).status;
    EXPECT_TRUE(late == 400 || late == 404) << late;
}

TEST_F(TareEndToEnd, WrongIssuersAreClearErrors) {
    // Nothing listens there.
    QTcpServer closed;
    ASSERT_TRUE(closed.listen(QHostAddress::LocalHost));
    const QString nowhere = QStringLiteral("http://127.0.0.1:%1").arg(closed.serverPort());
    closed.close();
    ProcessResult r = tare({"api", "login", "--issuer", nowhere});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(r.err.contains("cannot reach " + nowhere)) << qPrintable(r.err);

    // A server that is not an issuer, and one whose discovery names another issuer.
    FakeUpstream other;
    other.setHandler([](const HttpRequest& req) {
        if (req.path == "/not-an-issuer/.well-known/openid-configuration")
            return FakeResponse::json(404, R"({"error":"not found"})");
        return FakeResponse::json(
            200,
            R"({"issuer":"https://login.example.com","device_authorization_endpoint":"https://login.example.com/device","token_endpoint":"https://login.example.com/token"})");
    });
    const QString base = QStringLiteral("http://127.0.0.1:%1").arg(other.port());
    r = tare({"api", "login", "--issuer", base + "/not-an-issuer"});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(r.err.contains("is not an OpenID issuer")) << qPrintable(r.err);
    EXPECT_TRUE(r.err.contains("HTTP 404")) << qPrintable(r.err);
    r = tare({"api", "login", "--issuer", base});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(r.err.contains("wrong issuer")) << qPrintable(r.err);
    EXPECT_TRUE(r.err.contains("https://login.example.com")) << qPrintable(r.err);
    EXPECT_TRUE(keychainRead(tareStore, base).isEmpty());

    // Not signed in to a gateway: a hint, exit 1.
    r = tare({"api", "keys", "list", "--url", url});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(r.err.contains("tare api login --issuer " + url)) << qPrintable(r.err);
}

TEST_F(TareEndToEnd, LoginWithATokenFromStdinForScripts) {
    ProcessResult r =
        Child("tare", {"api", "login", "--issuer", url, "--with-token"}, {}, "ar-admin-wrong\n")
            .finish();
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(r.err.contains("refused the token")) << qPrintable(r.err);
    EXPECT_TRUE(keychainRead(tareStore, url).isEmpty());
    r = Child("tare", {"api", "login", "--issuer", url, "--with-token"}).finish();
    EXPECT_EQ(r.exitCode, 2) << "no token on stdin";

    r = Child("tare", {"api", "login", "--issuer", url, "--with-token"}, {}, adminToken + "\n")
            .finish();
    ASSERT_EQ(r.exitCode, 0) << qPrintable(r.err);
    EXPECT_FALSE(r.out.contains(QString::fromLatin1(adminToken)));
    EXPECT_FALSE(r.err.contains(QString::fromLatin1(adminToken)));
    r = tare({"api", "keys", "list", "--url", url});
    EXPECT_EQ(r.exitCode, 0) << qPrintable(r.err);
    r = tare({"api", "whoami", "--url", url});
    ASSERT_EQ(r.exitCode, 0) << qPrintable(r.err);
    EXPECT_TRUE(r.out.contains("not stated by the issuer")) << qPrintable(r.out);
}

TEST_F(TareEndToEnd, ARevokedSignInIsRefusedAndLogoutForgetsIt) {
    login();
    ASSERT_EQ(tare({"api", "keys", "list", "--url", url}).exitCode, 0);
    ClientResponse tokens = gw->call("GET", "/admin/v1/device/tokens", {}, adminAuth(adminToken));
    const QJsonArray data = tokens.json()["data"].toArray();
    ASSERT_EQ(data.size(), 1);
    ASSERT_EQ(gw->call("DELETE",
                       "/admin/v1/device/tokens/" + data[0].toObject()["id"].toString().toLatin1(),
                       {}, adminAuth(adminToken))
                  .status,
              200);
    ProcessResult r = tare({"api", "keys", "list", "--url", url});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(r.err.contains("refused the saved sign-in")) << qPrintable(r.err);
    EXPECT_TRUE(r.err.contains("tare api login --issuer " + url)) << qPrintable(r.err);
    r = tare({"api", "whoami", "--url", url});
    EXPECT_EQ(r.exitCode, 1);

    // Sign in again, then out: the token is revoked at the gateway and gone from the keychain.
    login();
    const QByteArray token = QJsonDocument::fromJson(keychainRead(tareStore, url))
                                 .object()["access_token"]
                                 .toString()
                                 .toLatin1();
    ASSERT_FALSE(token.isEmpty());
    r = tare({"api", "logout", "--url", url});
    ASSERT_EQ(r.exitCode, 0) << qPrintable(r.err);
    EXPECT_TRUE(keychainRead(tareStore, url).isEmpty());
    EXPECT_EQ(gw->call("GET", "/admin/v1/keys", {}, adminAuth(token)).status, 401);
    r = tare({"api", "whoami", "--url", url});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(r.err.contains("not signed in")) << qPrintable(r.err);
}

}  // namespace
}  // namespace ar::test
