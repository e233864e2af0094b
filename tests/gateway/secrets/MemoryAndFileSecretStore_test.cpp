// The in-memory and the opt-in file store: same asynchronous contract as the keychain.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <QFile>
#include <QTemporaryDir>

#include "gateway/admin/SecretsTestSupport.h"
#include "secrets/FileSecretStore.h"
#include "secrets/MemorySecretStore.h"

namespace ar::test {
namespace {

using ReadResult = Result<std::optional<QByteArray>>;

ReadResult readOf(SecretStore& s, const QString& entry) {
    return awaitSecret<ReadResult>([&](QObject* ctx, auto done) { s.read(entry, ctx, done); });
}
Status writeOf(SecretStore& s, const QString& entry, const QByteArray& secret) {
    return awaitSecret<Status>([&](QObject* ctx, auto done) { s.write(entry, secret, ctx, done); });
}
Status removeOf(SecretStore& s, const QString& entry) {
    return awaitSecret<Status>([&](QObject* ctx, auto done) { s.remove(entry, ctx, done); });
}

void roundTrip(SecretStore& s) {
    ReadResult r = readOf(s, "provider:x");
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r.value().has_value());
    ASSERT_TRUE(writeOf(s, "provider:x", "sk-one").ok());
    EXPECT_EQ(readOf(s, "provider:x").value(), std::optional<QByteArray>("sk-one"));
    ASSERT_TRUE(writeOf(s, "provider:x", "sk-two").ok());  // rotate = overwrite
    EXPECT_EQ(readOf(s, "provider:x").value(), std::optional<QByteArray>("sk-two"));
    ASSERT_TRUE(removeOf(s, "provider:x").ok());
    EXPECT_FALSE(readOf(s, "provider:x").value().has_value());
    EXPECT_TRUE(removeOf(s, "provider:x").ok()) << "removing a missing entry is not an error";
}

TEST(MemorySecretStore, RoundTrip) {
    MemorySecretStore s;
    roundTrip(s);
}

TEST(MemorySecretStore, AnswersLaterNeverInsideTheCall) {
    MemorySecretStore s;
    QObject ctx;
    bool called = false;
    s.read("a", &ctx, [&](ReadResult) { called = true; });
    EXPECT_FALSE(called);
    pumpUntil([&] { return called; });
    EXPECT_TRUE(called);
}

TEST(MemorySecretStore, CallbackDroppedWhenContextDies) {
    MemorySecretStore s;
    bool called = false;
    {
        QObject ctx;
        s.write("a", "b", &ctx, [&](Status) { called = true; });
    }
    bool marker = false;
    QObject other;
    s.read("a", &other, [&](ReadResult) { marker = true; });
    pumpUntil([&] { return marker; });
    EXPECT_FALSE(called);
}

TEST(FileSecretStore, RoundTripWithOwnerOnlyFile) {
    QTemporaryDir dir;
    FileSecretStore s(dir.filePath("secrets.json"));
    roundTrip(s);
    ASSERT_TRUE(writeOf(s, "provider:y", "sk-file").ok());
    struct stat st {};
    ASSERT_EQ(::stat(QFile::encodeName(dir.filePath("secrets.json")).constData(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_TRUE(s.warning().contains("unencrypted"));
    EXPECT_TRUE(s.warning().contains(dir.filePath("secrets.json")));
}

TEST(FileSecretStore, RefusesAFileOthersCanRead) {
    QTemporaryDir dir;
    FileSecretStore s(dir.filePath("secrets.json"));
    ASSERT_TRUE(writeOf(s, "provider:y", "sk-file").ok());
    QFile::setPermissions(dir.filePath("secrets.json"), QFileDevice::ReadOwner |
                                                            QFileDevice::WriteOwner |
                                                            QFileDevice::ReadOther);
    ReadResult r = readOf(s, "provider:y");
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.error().message.contains("other users")) << qPrintable(r.error().message);
}

}  // namespace
}  // namespace ar::test
