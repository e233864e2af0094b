#include "auth/ApiKey.h"

#include <QTemporaryDir>
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
    const QString path = dir.filePath("keys.json");
    KeyStore store(path);
    ASSERT_TRUE(store.load().ok());
    auto key = store.create("ci");
    ASSERT_TRUE(key.ok());
    const QByteArray secret = apikey::parse(key->toUtf8())->secret;

    QFile f(path);
    ASSERT_TRUE(f.open(QIODevice::ReadOnly));
    const QByteArray onDisk = f.readAll();
    EXPECT_FALSE(onDisk.contains(secret));
    EXPECT_TRUE(onDisk.contains(apikey::hashSecret(secret).toHex()));
    EXPECT_EQ(f.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther), 0);

    KeyStore other(path);
    ASSERT_TRUE(other.load().ok());
    const auto record = other.verify(key->toUtf8());
    ASSERT_TRUE(record);
    EXPECT_EQ(record->name, "ci");
    EXPECT_FALSE(other.verify(key->toUtf8().chopped(1) + "x"));
}

TEST(KeyStore, KeyMintedByAnotherProcessIsSeenAndRevocationApplies) {
    QTemporaryDir dir;
    KeyStore serving(dir.filePath("keys.json"));
    ASSERT_TRUE(serving.load().ok());
    KeyStore cli(dir.filePath("keys.json"));
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
