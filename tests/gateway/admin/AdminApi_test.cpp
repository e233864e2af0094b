// The admin API end to end: a real gateway on port 0 whose secrets come from an in-memory
// store, driven over real sockets from another thread.
#include <gtest/gtest.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <cmath>

#include "admin/AdminHandler.h"
#include "gateway/admin/SecretsTestSupport.h"
#include "secrets/MemorySecretStore.h"
#include "secrets/SecretEntries.h"
#include "support/FakeUpstream.h"
#include "support/TestData.h"

namespace ar::test {
namespace {

const QByteArray kToken = "ar-admin-test-token-0123456789";

QByteArray config(const QString& upstream) {
    return R"({"server":{"port":0},
      "providers":[{"id":"vault","type":"openai-compatible","base_url":")" +
           upstream.toUtf8() +
           R"(","credential":"keychain","api_key_env":"AR_TEST_VAULT_KEY"},
                   {"id":"plain","type":"openai-compatible","base_url":")" +
           upstream.toUtf8() +
           R"(","api_key_env":"AR_TEST_PLAIN_KEY"}],
      "routes":[{"model":"gpt-4o-mini","targets":[{"provider":"vault"}]}]})";
}

class AdminApiTest : public ::testing::Test {
protected:
    void SetUp() override {
        qputenv("AR_TEST_VAULT_KEY", "sk-from-env-vault");
        upstream = std::make_unique<FakeUpstream>();
        upstream->setHandler([](const HttpRequest&) {
            return FakeResponse::json(200, testData("openai/chat_completion.json"));
        });
        store.write(secretentry::kAdminToken, kToken, &store, [](Status) {});
        store.write(secretentry::provider(QStringLiteral("vault")), "sk-vault-from-keychain",
                    &store, [](Status) {});
        gw = std::make_unique<SecretsGateway>(config(upstream->baseUrl()), &store);
        ASSERT_TRUE(gw->ok()) << qPrintable(gw->error);
    }

    ClientResponse admin(const QByteArray& method, const QByteArray& path,
                         const QByteArray& body = {}) {
        return gw->call(
            method, path, body,
            adminAuth(kToken) + (body.isEmpty() ? "" : "Content-Type: application/json\r\n"));
    }
    ClientResponse chat(const QString& key) {
        return gw->call("POST", "/v1/chat/completions",
                        R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]})",
                        bearer(key));
    }

    MemorySecretStore store;
    std::unique_ptr<FakeUpstream> upstream;
    std::unique_ptr<SecretsGateway> gw;
};

TEST(AdminHost, OnlyLoopbackNamesWithOptionalPort) {
    for (const char* ok :
         {"127.0.0.1", "127.0.0.1:8787", "localhost", "LOCALHOST:1", "[::1]", "[::1]:8787"})
        EXPECT_TRUE(AdminHandler::isLoopbackHost(ok)) << ok;
    for (const char* bad :
         {"", "evil.example", "evil.example:8787", "127.0.0.1.evil.example", "localhost.evil",
          "127.0.0.2", "[::2]:80", "[::1]x", "127.0.0.1:", "127.0.0.1:80a", "0.0.0.0", "::1"})
        EXPECT_FALSE(AdminHandler::isLoopbackHost(bad)) << bad;
}

TEST_F(AdminApiTest, MissingOrWrongTokenIs401) {
    ClientResponse r = gw->call("GET", "/admin/v1/keys");
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(r.error("code"), "missing_admin_token");
    EXPECT_EQ(r.header("www-authenticate"), "Bearer");
    r = gw->call("GET", "/admin/v1/keys", {}, adminAuth("ar-admin-wrong"));
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(r.error("code"), "invalid_admin_token");
    // A gateway key is not an admin token.
    auto key = gw->gateway->admin()->keys().create(QStringLiteral("k"), {});
    ASSERT_TRUE(key.ok());
    r = gw->call("GET", "/admin/v1/keys", {}, bearer(key->secret));
    EXPECT_EQ(r.status, 401);
}

TEST_F(AdminApiTest, NonLoopbackHostIs403EvenWithTheToken) {
    const ClientResponse r = gw->raw("GET /admin/v1/keys HTTP/1.1\r\nHost: evil.example:8787\r\n" +
                                     adminAuth(kToken) + "\r\n");
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(r.error("code"), "admin_bad_host");
    const ClientResponse ok =
        gw->raw("GET /admin/v1/keys HTTP/1.1\r\nHost: localhost:" + QByteArray::number(gw->port()) +
                "\r\n" + adminAuth(kToken) + "\r\n");
    EXPECT_EQ(ok.status, 200);
}

TEST_F(AdminApiTest, NoCorsHeadersAndPreflightRefused) {
    const ClientResponse r = gw->call("OPTIONS", "/admin/v1/keys", {},
                                      "Origin: http://evil.example\r\n" + adminAuth(kToken));
    EXPECT_EQ(r.status, 405);
    ClientResponse list = gw->call("GET", "/admin/v1/keys", {},
                                   "Origin: http://evil.example\r\n" + adminAuth(kToken));
    EXPECT_EQ(list.status, 200);
    for (const auto& [name, value] : list.headers)
        EXPECT_FALSE(name.startsWith("access-control-")) << name.constData();
    EXPECT_EQ(list.header("cache-control"), "no-store");
}

TEST_F(AdminApiTest, KeysRoundTrip) {
    // Create with a policy and a keychain copy.
    ClientResponse r = admin(
        "POST", "/admin/v1/keys",
        R"({"name":"ci","store_in_keychain":true,"policy":{"models":["gpt-4o-mini"],"rpm":60,"budget_usd":5,"budget_period":"month","expires_at":"2030-01-01T00:00:00Z"}})");
    ASSERT_EQ(r.status, 201) << r.body.constData();
    const QString id = r.json()["key"].toObject()["id"].toString();
    const QString secret = r.json()["secret"].toString();
    EXPECT_TRUE(secret.startsWith(QStringLiteral("sk-ar-") + id + '.'));
    EXPECT_TRUE(r.json()["stored_in_keychain"].toBool());
    EXPECT_EQ(store.entries().value(secretentry::gatewayKey(id)), secret.toUtf8());
    EXPECT_EQ(chat(secret).status, 200);

    // List and show never carry the secret.
    r = admin("GET", "/admin/v1/keys");
    ASSERT_EQ(r.status, 200);
    EXPECT_FALSE(r.body.contains(secret.toUtf8().split('.').last()));
    bool listed = false;
    for (const QJsonValue& k : r.json()["data"].toArray()) listed |= k["id"].toString() == id;
    EXPECT_TRUE(listed);
    r = admin("GET", "/admin/v1/keys/" + id.toUtf8());
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.json()["policy"].toObject()["rpm"].toInt(), 60);
    EXPECT_EQ(r.json()["name"].toString(), "ci");

    // The GUI can copy it again.
    r = admin("GET", "/admin/v1/keys/" + id.toUtf8() + "/secret");
    ASSERT_EQ(r.status, 200) << r.body.constData();
    EXPECT_EQ(r.json()["secret"].toString(), secret);

    // Policy update merges; null removes; the next request sees it (/v1/me).
    r = admin("PATCH", "/admin/v1/keys/" + id.toUtf8(),
              R"({"policy":{"rpm":10,"budget_usd":null,"budget_period":null}})");
    ASSERT_EQ(r.status, 200) << r.body.constData();
    const QJsonObject policy = r.json()["policy"].toObject();
    EXPECT_EQ(policy["rpm"].toInt(), 10);
    EXPECT_FALSE(policy.contains("budget_usd"));
    EXPECT_EQ(policy["models"].toArray().size(), 1);
    ClientResponse me = gw->call("GET", "/v1/me", {}, bearer(secret));
    EXPECT_EQ(me.json()["policy"].toObject()["rpm"].toInt(), 10);
    r = admin("PATCH", "/admin/v1/keys/" + id.toUtf8(), R"({"policy":{"rpn":10}})");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.error("param"), "rpn");

    // Rotate: same id, the old secret stops at once, the stale keychain copy goes.
    r = admin("POST", "/admin/v1/keys/" + id.toUtf8() + "/rotate");
    ASSERT_EQ(r.status, 200) << r.body.constData();
    const QString rotated = r.json()["secret"].toString();
    EXPECT_EQ(r.json()["key"].toObject()["id"].toString(), id);
    EXPECT_NE(rotated, secret);
    EXPECT_EQ(chat(secret).status, 401);
    EXPECT_EQ(chat(rotated).status, 200);
    EXPECT_FALSE(store.entries().contains(secretentry::gatewayKey(id)));
    EXPECT_EQ(admin("GET", "/admin/v1/keys/" + id.toUtf8() + "/secret").status, 404);

    // Revoke applies to the next request.
    r = admin("DELETE", "/admin/v1/keys/" + id.toUtf8());
    ASSERT_EQ(r.status, 200);
    EXPECT_TRUE(r.json()["revoked"].toBool());
    EXPECT_EQ(chat(rotated).status, 401);
    EXPECT_EQ(admin("POST", "/admin/v1/keys/" + id.toUtf8() + "/rotate").status, 400);
    EXPECT_EQ(admin("GET", "/admin/v1/keys/nosuchkey").status, 404);
}

TEST_F(AdminApiTest, ProviderCredentialSetRotateDeleteAppliesToTheNextRequest) {
    auto key = gw->gateway->admin()->keys().create(QStringLiteral("k"), {});
    ASSERT_TRUE(key.ok());
    ASSERT_EQ(chat(key->secret).status, 200);
    EXPECT_EQ(upstream->requests().last().header("authorization"), "Bearer sk-vault-from-keychain");

    ClientResponse r = admin("GET", "/admin/v1/providers");
    ASSERT_EQ(r.status, 200);
    EXPECT_FALSE(r.body.contains("sk-vault")) << "a credential leaked into the provider list";
    EXPECT_FALSE(r.body.contains("sk-from-env"));
    const QJsonObject vault = r.json()["data"].toArray()[0].toObject();
    EXPECT_EQ(vault["id"].toString(), "vault");
    EXPECT_EQ(vault["credential"].toObject()["source"].toString(), "keychain");
    EXPECT_EQ(vault["credential"].toObject()["from"].toString(), "keychain");
    EXPECT_EQ(vault["health"].toObject()["status"].toString(), "up");
    EXPECT_EQ(vault["health"].toObject()["successes"].toInt(), 1);

    r = admin("PUT", "/admin/v1/providers/vault/credential", R"({"api_key":"sk-vault-rotated"})");
    ASSERT_EQ(r.status, 200) << r.body.constData();
    EXPECT_FALSE(r.body.contains("sk-vault-rotated"));
    EXPECT_EQ(store.entries().value(secretentry::provider(QStringLiteral("vault"))),
              "sk-vault-rotated");
    ASSERT_EQ(chat(key->secret).status, 200);
    EXPECT_EQ(upstream->requests().last().header("authorization"), "Bearer sk-vault-rotated");

    r = admin("DELETE", "/admin/v1/providers/vault/credential");
    ASSERT_EQ(r.status, 200);
    EXPECT_FALSE(store.entries().contains(secretentry::provider(QStringLiteral("vault"))));
    ASSERT_EQ(chat(key->secret).status, 200);
    EXPECT_EQ(upstream->requests().last().header("authorization"), "Bearer sk-from-env-vault");

    EXPECT_EQ(
        admin("PUT", "/admin/v1/providers/plain/credential", R"({"api_key":"x"})").error("code"),
        "credential_not_in_keychain");
    EXPECT_EQ(admin("PUT", "/admin/v1/providers/nope/credential", R"({"api_key":"x"})").status,
              404);
    EXPECT_EQ(admin("PUT", "/admin/v1/providers/vault/credential", R"({"api_key":""})").status,
              400);
}

TEST_F(AdminApiTest, KeychainFailureIsAPlainWordsError) {
    store.setFailure(ApiError{503,
                              QStringLiteral("No usable OS keychain"),
                              QStringLiteral("keychain_error"),
                              {},
                              secreterror::kUnavailable});
    const ClientResponse r =
        admin("PUT", "/admin/v1/providers/vault/credential", R"({"api_key":"sk-new"})");
    EXPECT_EQ(r.status, 503);
    EXPECT_EQ(r.error("code"), "keychain_unavailable");
    EXPECT_EQ(r.error("message"), "No usable OS keychain");
}

TEST_F(AdminApiTest, RoutesAndSettings) {
    ClientResponse r = admin("GET", "/admin/v1/routes");
    ASSERT_EQ(r.status, 200);
    const QJsonObject route = r.json()["data"].toArray()[0].toObject();
    EXPECT_EQ(route["model"].toString(), "gpt-4o-mini");
    EXPECT_EQ(route["targets"].toArray()[0].toObject()["provider"].toString(), "vault");
    r = admin("GET", "/admin/v1/settings");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.json()["server"].toObject()["bind"].toString(), "127.0.0.1");
    EXPECT_EQ(r.json()["secret_store"].toString(), "memory");
    EXPECT_EQ(admin("POST", "/admin/v1/routes").status, 405);
    EXPECT_EQ(admin("GET", "/admin/v1/nothing").error("code"), "unknown_url");
}

TEST(AdminOff, WithoutASecretStoreTheAdminApiIsOff) {
    SecretsGateway gw(R"({"server":{"port":0}})", nullptr);
    ASSERT_TRUE(gw.ok()) << qPrintable(gw.error);
    ASSERT_FALSE(gw.warnings.isEmpty());
    EXPECT_TRUE(gw.warnings.first().contains("admin API is off"));
    const ClientResponse r = gw.call("GET", "/admin/v1/keys", {}, adminAuth(kToken));
    EXPECT_EQ(r.status, 503);
    EXPECT_EQ(r.error("code"), "admin_api_off");
}

TEST(AdminToken, CreatedOnFirstStartAndKeptInTheStore) {
    MemorySecretStore store;
    SecretsGateway gw(R"({"server":{"port":0}})", &store);
    ASSERT_TRUE(gw.ok()) << qPrintable(gw.error);
    const QByteArray token = store.entries().value(secretentry::kAdminToken);
    ASSERT_TRUE(token.startsWith("ar-admin-")) << token.constData();
    EXPECT_EQ(gw.call("GET", "/admin/v1/keys", {}, adminAuth(token)).status, 200);
    // A second start reuses it.
    SecretsGateway again(R"({"server":{"port":0}})", &store);
    EXPECT_EQ(store.entries().value(secretentry::kAdminToken), token);
}

TEST_F(AdminApiTest, UsageQueriesReadTheLedgerTheGuiReads) {
    ClientResponse r = admin("POST", "/admin/v1/keys", R"({"name":"usage"})");
    ASSERT_EQ(r.status, 201) << r.body.constData();
    const QString id = r.json()["key"].toObject()["id"].toString();
    const QString secret = r.json()["secret"].toString();
    ASSERT_EQ(chat(secret).status, 200);
    ASSERT_EQ(chat(secret).status, 200);
    // A refusal is ledgered too, with the model it asked for.
    ASSERT_EQ(gw->call("POST", "/v1/chat/completions",
                       R"({"model":"no-such-model","messages":[{"role":"user","content":"hi"}]})", bearer(secret))
                  .status,
              404);

    // The ledger writer commits within a moment: wait until all three rows are there.
    QJsonObject totals;
    pumpUntil([&] {
        totals = admin("GET", "/admin/v1/usage/totals?from=1h&key_id=" + id.toUtf8()).json();
        return totals["requests"].toInt() == 3;
    });
    EXPECT_EQ(totals["requests"].toInt(), 3);
    EXPECT_EQ(totals["errors"].toInt(), 1);
    EXPECT_EQ(totals["prompt_tokens"].toInt(), 2 * 19);  // the fixture's usage, twice
    EXPECT_EQ(totals["completion_tokens"].toInt(), 2 * 8);
    EXPECT_GT(totals["cost_usd"].toDouble(), 0.0);
    EXPECT_EQ(totals["cost_micros"].toInteger(), qint64(std::llround(totals["cost_usd"].toDouble() * 1e6)));

    r = admin("GET", "/admin/v1/usage?from=2h&granularity=hour&group_by=model");
    ASSERT_EQ(r.status, 200) << r.body.constData();
    QHash<QString, int> byModel;
    for (const QJsonValue& b : r.json()["data"].toArray()) byModel[b["group"].toString()] += b["requests"].toInt();
    EXPECT_EQ(byModel.value("gpt-4o-mini"), 2);
    EXPECT_EQ(byModel.value("no-such-model"), 1);

    r = admin("GET", "/admin/v1/usage/top?from=1d&group_by=key&n=1");
    ASSERT_EQ(r.status, 200) << r.body.constData();
    ASSERT_EQ(r.json()["data"].toArray().size(), 1);
    EXPECT_EQ(r.json()["data"].toArray().first()["group"].toString(), id);

    // The request log pages backwards from the newest row.
    r = admin("GET", "/admin/v1/usage/requests?limit=2");
    ASSERT_EQ(r.status, 200) << r.body.constData();
    const QJsonArray page = r.json()["data"].toArray();
    ASSERT_EQ(page.size(), 2);
    EXPECT_EQ(page.first()["model"].toString(), "no-such-model");
    EXPECT_EQ(page.first()["status"].toInt(), 404);
    EXPECT_TRUE(r.json()["has_more"].toBool());
    r = admin("GET", "/admin/v1/usage/requests?limit=2&before_id=" +
                         QByteArray::number(r.json()["next_before_id"].toInteger()));
    ASSERT_EQ(r.json()["data"].toArray().size(), 1);
    EXPECT_EQ(r.json()["data"].toArray().first()["status"].toInt(), 200);

    r = admin("GET", "/admin/v1/usage/export?from=1h&format=csv");
    ASSERT_EQ(r.status, 200);
    EXPECT_TRUE(r.header("content-type").startsWith("text/csv"));
    EXPECT_EQ(r.body.count('\n'), 4) << r.body.constData();  // a header line and three rows
    r = admin("GET", "/admin/v1/usage/export?from=1h&format=json");
    EXPECT_EQ(r.json()["data"].toArray().size(), 3);
}

TEST_F(AdminApiTest, UsageQueryMistakesAreNamed400s) {
    const std::pair<const char*, const char*> cases[] = {
        {"/admin/v1/usage?from=yesterday", "from"},
        {"/admin/v1/usage?to=2026-13-40", "to"},
        {"/admin/v1/usage?from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z", "from"},
        {"/admin/v1/usage?granularity=week", "granularity"},
        {"/admin/v1/usage?group_by=colour", "group_by"},
        {"/admin/v1/usage/top?group_by=none", "group_by"},
        {"/admin/v1/usage/top?n=0", "n"},
        {"/admin/v1/usage/requests?limit=100000", "limit"},
        {"/admin/v1/usage/requests?before_id=-1", "before_id"},
        {"/admin/v1/usage/export?format=xml", "format"},
    };
    for (const auto& [path, param] : cases) {
        const ClientResponse r = admin("GET", path);
        EXPECT_EQ(r.status, 400) << path;
        EXPECT_EQ(r.error("param"), param) << path << " " << r.body.constData();
        EXPECT_EQ(r.error("type"), "invalid_request_error") << path;
    }
    EXPECT_EQ(admin("GET", "/admin/v1/usage/nope").status, 404);
    EXPECT_EQ(admin("POST", "/admin/v1/usage").status, 405);
    EXPECT_EQ(gw->call("GET", "/admin/v1/usage").status, 401);
    // The gateway keeps serving after all of them.
    EXPECT_EQ(admin("GET", "/admin/v1/usage/totals").status, 200);
}

}  // namespace
}  // namespace ar::test
