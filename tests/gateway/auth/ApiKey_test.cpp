#include "auth/ApiKey.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTimeZone>
#include <gtest/gtest.h>

#include "auth/KeyStore.h"

namespace ar {
namespace {

TEST(ApiKey, GeneratedKeysHaveOurShapeAndParseBack) {
    const ApiKeyParts parts = apikey::generate();
    const QString key = apikey::format(parts);
    EXPECT_TRUE(key.startsWith("sk-ar-"));
    const auto parsed = apikey::parse(key.toUtf8());
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->keyId, parts.keyId);
    EXPECT_EQ(parsed->secret, parts.secret);
    EXPECT_NE(apikey::format(apikey::generate()), key);
}

TEST(ApiKey, MalformedKeysAreRejected) {
    for (const char* bad : {"", "sk-ar-", "sk-ar-abc", "sk-ar-.secret", "sk-ar-abc.", "sk-proj-abc.def",
                            "sk-ar-ABC.def", "sk-ar-abc.de f", "Bearer sk-ar-a.b"})
        EXPECT_FALSE(apikey::parse(bad)) << bad;
}

TEST(ApiKey, HeadersBearerOrXApiKey) {
    EXPECT_EQ(apikey::fromHeaders("Bearer sk-ar-a.b", ""), "sk-ar-a.b");
    EXPECT_EQ(apikey::fromHeaders("bearer  sk-ar-a.b ", ""), "sk-ar-a.b");
    EXPECT_EQ(apikey::fromHeaders("", "sk-ar-a.b"), "sk-ar-a.b");
    EXPECT_EQ(apikey::fromHeaders("Basic abc", ""), "");
}

TEST(ApiKey, RedactionNeverShowsTheSecret) {
    EXPECT_EQ(apikey::redact("sk-ar-abc123.supersecret"), "sk-ar-abc123.***");
    EXPECT_EQ(apikey::redact("sk-live-whatever"), "***");
}

TEST(ApiKey, HashComparisonIsExact) {
    const QByteArray h = apikey::hashSecret("secret");
    EXPECT_EQ(h.size(), 32);
    EXPECT_TRUE(apikey::hashesEqual(h, apikey::hashSecret("secret")));
    EXPECT_FALSE(apikey::hashesEqual(h, apikey::hashSecret("secreT")));
    EXPECT_FALSE(apikey::hashesEqual(h, h.left(31)));
}

TEST(KeyStore, StoresOnlyTheHashAndVerifiesAcrossReload) {
    QTemporaryDir dir;
    const QString path = dir.filePath("keys.sqlite");
    KeyStore store(path);
    ASSERT_TRUE(store.load().ok());
    auto key = store.create("ci", QJsonObject{{"rpm", 5}});
    ASSERT_TRUE(key.ok());
    const QByteArray secret = apikey::parse(key->toUtf8())->secret;

    // The database and its WAL hold the hash, never the secret, and only the owner can read them.
    QByteArray onDisk;
    for (const QString& file : {path, path + "-wal"}) {
        QFile f(file);
        if (!f.exists()) continue;
        ASSERT_TRUE(f.open(QIODevice::ReadOnly));
        onDisk += f.readAll();
        EXPECT_EQ(f.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther), 0) << file.toStdString();
    }
    EXPECT_FALSE(onDisk.contains(secret));
    EXPECT_TRUE(onDisk.contains(apikey::hashSecret(secret)));

    KeyStore other(path);
    ASSERT_TRUE(other.load().ok());
    const auto record = other.verify(key->toUtf8());
    ASSERT_TRUE(record);
    EXPECT_EQ(record->name, "ci");
    EXPECT_EQ(record->policy.value("rpm").toInt(), 5);
    EXPECT_FALSE(other.verify(key->toUtf8().chopped(1) + "x"));
}

TEST(KeyStore, ImportsTheKeysJsonOfAnOlderVersionOnceAndRemovesIt) {
    QTemporaryDir dir;
    const QByteArray hash = apikey::hashSecret("legacy-secret");
    QFile legacy(dir.filePath("keys.json"));
    ASSERT_TRUE(legacy.open(QIODevice::WriteOnly));
    legacy.write(QJsonDocument(QJsonObject{
                     {"version", 1},
                     {"keys", QJsonArray{QJsonObject{{"id", "k0ld"},
                                                     {"name", "from json"},
                                                     {"created_at", "2026-01-02T03:04:05Z"},
                                                     {"secret_sha256", QString::fromLatin1(hash.toHex())},
                                                     {"policy", QJsonObject{{"models", QJsonArray{"gpt-4o"}}}},
                                                     {"revoked", false}}}}})
                     .toJson());
    legacy.close();

    KeyStore store(dir.filePath("keys.sqlite"));
    ASSERT_TRUE(store.load().ok());
    EXPECT_FALSE(QFile::exists(dir.filePath("keys.json")));
    const auto record = store.verify("sk-ar-k0ld.legacy-secret");
    ASSERT_TRUE(record);
    EXPECT_EQ(record->name, "from json");
    EXPECT_EQ(record->createdAt, QDateTime(QDate(2026, 1, 2), QTime(3, 4, 5), Qt::UTC));
    EXPECT_EQ(record->policy.value("models").toArray().first().toString(), "gpt-4o");

    KeyStore reopened(dir.filePath("keys.sqlite"));  // imported once: the rows stay, no duplicate
    ASSERT_TRUE(reopened.load().ok());
    EXPECT_EQ(reopened.list().size(), 1);
}

TEST(KeyStore, PolicyChangeAndRotationByAnotherProcessApplyToTheNextVerify) {
    QTemporaryDir dir;
    KeyStore serving(dir.filePath("keys.sqlite"));
    serving.setRecheckIntervalMs(0);
    ASSERT_TRUE(serving.load().ok());
    auto key = serving.create("rot");
    ASSERT_TRUE(key.ok());
    const QString id = apikey::parse(key->toUtf8())->keyId;
    ASSERT_TRUE(serving.verify(key->toUtf8()));

    KeyStore cli(dir.filePath("keys.sqlite"));
    ASSERT_TRUE(cli.load().ok());
    ASSERT_TRUE(cli.updatePolicy(id, QJsonObject{{"rpm", 1}}).ok());
    auto rotated = cli.rotate(id);
    ASSERT_TRUE(rotated.ok());

    EXPECT_FALSE(serving.verify(key->toUtf8()));  // the old secret stops at once
    const auto now = serving.verify(rotated->toUtf8());
    ASSERT_TRUE(now);
    EXPECT_EQ(now->policy.value("rpm").toInt(), 1);
    EXPECT_FALSE(cli.rotate("missing").ok());
    ASSERT_TRUE(cli.revoke(id).ok());
    EXPECT_EQ(cli.rotate(id).error().code, "key_revoked");
}

TEST(KeyStore, AVerifiedKeyStillRefusesOtherSecretsAndItsOldSecretAfterARotation) {
    QTemporaryDir dir;
    KeyStore store(dir.filePath("keys.sqlite"));
    ASSERT_TRUE(store.load().ok());
    auto key = store.create("cached");
    ASSERT_TRUE(key.ok());
    const QByteArray good = key->toUtf8();
    ASSERT_TRUE(store.verify(good));
    ASSERT_TRUE(store.verify(good));  // the second time without hashing: same answer

    QByteArray wrong = good;
    wrong[wrong.size() - 1] = wrong.back() == 'A' ? 'B' : 'A';  // same key id, another secret
    EXPECT_FALSE(store.verify(wrong));
    EXPECT_FALSE(store.verify(good.chopped(1)));
    EXPECT_TRUE(store.verify(good));

    const QString id = apikey::parse(good)->keyId;
    auto rotated = store.rotate(id);
    ASSERT_TRUE(rotated.ok());
    EXPECT_FALSE(store.verify(good));
    EXPECT_TRUE(store.verify(rotated->toUtf8()));
    ASSERT_TRUE(store.revoke(id).ok());
    EXPECT_FALSE(store.verify(rotated->toUtf8()));
}

TEST(KeyStore, KeyMintedByAnotherProcessIsSeenAndRevocationApplies) {
    QTemporaryDir dir;
    KeyStore serving(dir.filePath("keys.sqlite"));
    ASSERT_TRUE(serving.load().ok());
    KeyStore cli(dir.filePath("keys.sqlite"));
    ASSERT_TRUE(cli.load().ok());
    auto key = cli.create("late");
    ASSERT_TRUE(key.ok());
    EXPECT_TRUE(serving.verify(key->toUtf8()));  // unknown id -> re-read the file
    const QString id = apikey::parse(key->toUtf8())->keyId;
    ASSERT_TRUE(serving.revoke(id).ok());
    EXPECT_FALSE(serving.verify(key->toUtf8()));
    EXPECT_FALSE(serving.revoke("nope").ok());
    EXPECT_FALSE(serving.create("  ").ok());
}

}  // namespace
}  // namespace ar
