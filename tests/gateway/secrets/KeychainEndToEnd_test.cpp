// A full run against the real Secret Service: provider credential and gateway keys through
// the admin API into the keychain, requests served with them, then every file the run left
// (config, key store, access log, anything else in the folder) searched for the secrets.
#include <gtest/gtest.h>

#include <QDirIterator>
#include <QFile>
#include <QJsonDocument>
#include <QProcess>

#include "events/AccessLog.h"
#include "gateway/admin/SecretsTestSupport.h"
#include "secrets/KeychainSecretStore.h"
#include "secrets/SecretEntries.h"
#include "support/FakeUpstream.h"
#include "support/TestData.h"

namespace ar::test {
namespace {

using ReadResult = Result<std::optional<QByteArray>>;

QByteArray keychainRead(SecretStore& s, const QString& entry) {
    ReadResult r =
        awaitSecret<ReadResult>([&](QObject* ctx, auto done) { s.read(entry, ctx, done); });
    return r.ok() && r.value() ? *r.value() : QByteArray();
}

TEST(KeychainEndToEnd, SecretsLiveOnlyInTheKeychain) {
    if (qEnvironmentVariableIsEmpty("AR_TEST_KEYRING"))
        GTEST_SKIP()
            << "no private keyring (run through scripts/test.sh or scripts/with-keyring.sh)";
    FakeUpstream upstream;
    upstream.setHandler([](const HttpRequest&) {
        return FakeResponse::json(200, testData("openai/chat_completion.json"));
    });

    QTemporaryDir root;
    const QString configPath = root.filePath("config.json");
    const QByteArray config = R"({"server":{"port":0},
      "providers":[{"id":"e2e-vault","type":"openai-compatible","base_url":")" +
                              upstream.baseUrl().toUtf8() +
                              R"(","credential":"keychain","api_key_env":"AR_TEST_E2E_UNSET"}],
      "routes":[{"model":"gpt-4o-mini","targets":[{"provider":"e2e-vault"}]}]})";
    {
        QFile f(configPath);
        ASSERT_TRUE(f.open(QIODevice::WriteOnly));
        f.write(config);
    }
    QFile log(root.filePath("access.log"));
    ASSERT_TRUE(log.open(QIODevice::WriteOnly | QIODevice::Unbuffered));

    KeychainSecretStore store(secretentry::kService, 20'000);
    const QByteArray providerSecret =
        "sk-e2e-provider-" + QByteArray::number(QDateTime::currentMSecsSinceEpoch());
    QStringList gatewaySecrets;
    QString keyId;
    QByteArray adminToken;
    {
        auto gw = std::make_unique<SecretsGateway>(config, &store, root.filePath("data"));
        ASSERT_TRUE(gw->ok()) << qPrintable(gw->error);
        AccessLog accessLog(gw->gateway->events(), &log);
        adminToken = keychainRead(store, secretentry::kAdminToken);
        ASSERT_TRUE(adminToken.startsWith("ar-admin-"))
            << "admin token not created in the keychain";

        ClientResponse r =
            gw->call("PUT", "/admin/v1/providers/e2e-vault/credential",
                     R"({"api_key":")" + providerSecret + R"("})", adminAuth(adminToken));
        ASSERT_EQ(r.status, 200) << r.body.constData();
        EXPECT_EQ(keychainRead(store, secretentry::provider(QStringLiteral("e2e-vault"))),
                  providerSecret);

        r = gw->call("POST", "/admin/v1/keys",
                     R"({"name":"e2e","store_in_keychain":true,"policy":{"rpm":5}})",
                     adminAuth(adminToken));
        ASSERT_EQ(r.status, 201) << r.body.constData();
        ASSERT_TRUE(r.json()["stored_in_keychain"].toBool()) << r.body.constData();
        keyId = r.json()["key"].toObject()["id"].toString();
        gatewaySecrets << r.json()["secret"].toString();
        EXPECT_EQ(keychainRead(store, secretentry::gatewayKey(keyId)),
                  gatewaySecrets.last().toUtf8());

        r = gw->call("POST", "/v1/chat/completions",
                     R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]})",
                     bearer(gatewaySecrets.last()));
        ASSERT_EQ(r.status, 200) << r.body.constData();
        EXPECT_EQ(upstream.requests().last().header("authorization"), "Bearer " + providerSecret);

        r = gw->call("POST", "/admin/v1/keys/" + keyId.toUtf8() + "/rotate",
                     R"({"store_in_keychain":true})", adminAuth(adminToken));
        ASSERT_EQ(r.status, 200) << r.body.constData();
        gatewaySecrets << r.json()["secret"].toString();
        r = gw->call("GET", "/admin/v1/keys/" + keyId.toUtf8() + "/secret", {},
                     adminAuth(adminToken));
        EXPECT_EQ(r.json()["secret"].toString(), gatewaySecrets.last());
        EXPECT_TRUE(gw->waitForFinished(1));
    }
    log.close();

    // The credential and the keys are in the Secret Service...
    // One search per entry: other suites create and delete items of the same service at the
    // same time, and a search across them fails when one vanishes under it.
    QByteArray listing;
    for (const QString& user : {QStringLiteral("provider:e2e-vault"), QStringLiteral("gateway-key:") + keyId,
                                QStringLiteral("admin-token")}) {
        QProcess search;
        search.start(QStringLiteral("secret-tool"), {QStringLiteral("search"), QStringLiteral("--all"),
                                                     QStringLiteral("server"), secretentry::kService,
                                                     QStringLiteral("user"), user});
        ASSERT_TRUE(search.waitForFinished(20'000));
        listing += search.readAllStandardOutput() + search.readAllStandardError();
    }
    EXPECT_TRUE(listing.contains("attribute.user = provider:e2e-vault")) << listing.constData();
    EXPECT_TRUE(listing.contains("attribute.user = gateway-key:" + keyId.toUtf8()))
        << listing.constData();
    EXPECT_TRUE(listing.contains("attribute.user = admin-token")) << listing.constData();

    // ...and in no file of the run.
    QList<QByteArray> needles{providerSecret, adminToken};
    for (const QString& s : gatewaySecrets) needles << s.toUtf8() << s.toUtf8().split('.').last();
    int files = 0;
    QDirIterator it(root.path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile f(it.next());
        ASSERT_TRUE(f.open(QIODevice::ReadOnly));
        const QByteArray content = f.readAll();
        ++files;
        for (const QByteArray& n : needles)
            EXPECT_FALSE(content.contains(n)) << "secret found in " << qPrintable(f.fileName());
    }
    EXPECT_GE(files, 3);  // config, key store, access log
    EXPECT_GT(QFileInfo(root.filePath("access.log")).size(), 0)
        << "the access log recorded nothing";

    // Clean up the real entries.
    for (const QString& e :
         {secretentry::provider(QStringLiteral("e2e-vault")), secretentry::gatewayKey(keyId)})
        EXPECT_TRUE(
            awaitSecret<Status>([&](QObject* ctx, auto done) { store.remove(e, ctx, done); }).ok());
}

TEST(KeychainEndToEnd, CliKeysCreateCanKeepTheKeyInTheKeychain) {
    if (qEnvironmentVariableIsEmpty("AR_TEST_KEYRING"))
        GTEST_SKIP()
            << "no private keyring (run through scripts/test.sh or scripts/with-keyring.sh)";
    QTemporaryDir data;
    QProcess cli;
    cli.start(QStringLiteral(AR_BINARY_DIR "/app/agentrouter"),
              {QStringLiteral("keys"), QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("kept"),
               QStringLiteral("--rpm"), QStringLiteral("30"), QStringLiteral("--keep-in-keychain"),
               QStringLiteral("--data-dir"), data.path()});
    ASSERT_TRUE(cli.waitForFinished(60'000));
    const QByteArray stderrText = cli.readAllStandardError();
    ASSERT_EQ(cli.exitCode(), 0) << stderrText.constData();
    const QByteArray secret = cli.readAllStandardOutput().trimmed();
    ASSERT_TRUE(secret.startsWith("sk-ar-")) << secret.constData();
    EXPECT_TRUE(stderrText.contains("kept a copy in the keychain")) << stderrText.constData();
    const QString keyId = QString::fromLatin1(secret.mid(6, secret.indexOf('.') - 6));

    KeychainSecretStore store(secretentry::kService, 20'000);
    EXPECT_EQ(keychainRead(store, secretentry::gatewayKey(keyId)), secret);
    // The key store holds the policy and the hash only.
    QDirIterator it(data.path(), QDir::Files | QDir::Hidden);
    while (it.hasNext()) {
        QFile f(it.next());
        ASSERT_TRUE(f.open(QIODevice::ReadOnly));
        EXPECT_FALSE(f.readAll().contains(secret.split('.').last())) << qPrintable(f.fileName());
    }
    EXPECT_TRUE(awaitSecret<Status>([&](QObject* ctx, auto done) {
                    store.remove(secretentry::gatewayKey(keyId), ctx, done);
                }).ok());
}

}  // namespace
}  // namespace ar::test
