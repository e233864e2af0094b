// The QtKeychain store against a real Secret Service: scripts/test.sh runs the suites inside
// a private D-Bus session with an unlocked gnome-keyring (scripts/with-keyring.sh sets
// AR_TEST_KEYRING=1). Without it these tests skip.
#include "secrets/KeychainSecretStore.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <QElapsedTimer>
#include <QProcess>
#include <cstring>

#include "gateway/admin/SecretsTestSupport.h"
#include "secrets/SecretEntries.h"

namespace ar::test {
namespace {

using ReadResult = Result<std::optional<QByteArray>>;

// What the Secret Service itself holds, asked through another client (libsecret's CLI).
QByteArray secretToolLookup(const QString& entry) {
    QProcess p;
    p.start(QStringLiteral("secret-tool"), {QStringLiteral("lookup"), QStringLiteral("server"),
                                            secretentry::kService, QStringLiteral("user"), entry});
    if (!p.waitForFinished(20'000)) return "<secret-tool hung>";
    return p.readAllStandardOutput();
}

// Narrowed to `entry`: other suites running at the same time create and delete items of the
// same service, and a search across them fails when one vanishes under it.
QByteArray secretToolSearch(const QString& entry) {
    QProcess p;
    p.start(QStringLiteral("secret-tool"), {QStringLiteral("search"), QStringLiteral("--all"),
                                            QStringLiteral("server"), secretentry::kService,
                                            QStringLiteral("user"), entry});
    if (!p.waitForFinished(20'000)) return "<secret-tool hung>";
    return p.readAllStandardOutput() + p.readAllStandardError();
}

class KeychainTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (qEnvironmentVariableIsEmpty("AR_TEST_KEYRING"))
            GTEST_SKIP()
                << "no private keyring (run through scripts/test.sh or scripts/with-keyring.sh)";
    }
    ReadResult read(SecretStore& s, const QString& e) {
        return awaitSecret<ReadResult>([&](QObject* ctx, auto done) { s.read(e, ctx, done); });
    }
    Status write(SecretStore& s, const QString& e, const QByteArray& v) {
        return awaitSecret<Status>([&](QObject* ctx, auto done) { s.write(e, v, ctx, done); });
    }
    Status remove(SecretStore& s, const QString& e) {
        return awaitSecret<Status>([&](QObject* ctx, auto done) { s.remove(e, ctx, done); });
    }
};

TEST_F(KeychainTest, StoreReadRotateDeleteRealEntries) {
    KeychainSecretStore store(secretentry::kService, 20'000);
    const QString entry = secretentry::provider(QStringLiteral("keychain-test"));

    ReadResult missing = read(store, entry);
    ASSERT_TRUE(missing.ok()) << qPrintable(missing.error().message);
    EXPECT_FALSE(missing.value().has_value());

    ASSERT_TRUE(write(store, entry, "sk-real-keychain-1").ok());
    EXPECT_EQ(secretToolLookup(entry), "sk-real-keychain-1");
    EXPECT_TRUE(secretToolSearch(entry).contains("attribute.user = " + entry.toUtf8()));
    // A second store (as another process would) reads what the first wrote.
    KeychainSecretStore other(secretentry::kService, 20'000);
    EXPECT_EQ(read(other, entry).value(), std::optional<QByteArray>("sk-real-keychain-1"));

    ASSERT_TRUE(write(store, entry, "sk-real-keychain-2").ok());  // rotate
    EXPECT_EQ(read(other, entry).value(), std::optional<QByteArray>("sk-real-keychain-2"));
    EXPECT_EQ(secretToolLookup(entry), "sk-real-keychain-2");

    ASSERT_TRUE(remove(store, entry).ok());
    EXPECT_FALSE(read(other, entry).value().has_value());
    EXPECT_EQ(secretToolLookup(entry), "");
    EXPECT_TRUE(remove(store, entry).ok()) << "removing a missing entry is not an error";
}

// --- No keychain: the child process below runs with a session bus that is unusable. ---

// Runs only as the child: reads one entry and reports how it went on stdout.
TEST(NoKeychainChild, Report) {
    if (qEnvironmentVariableIsEmpty("AR_NO_KEYCHAIN_CHILD"))
        GTEST_SKIP() << "child of the NoKeychain tests only";
    KeychainSecretStore store(secretentry::kService,
                              qEnvironmentVariableIntValue("AR_CHILD_TIMEOUT_MS"));
    QElapsedTimer clock;
    clock.start();
    ReadResult r = awaitSecret<ReadResult>(
        [&](QObject* ctx, auto done) { store.read(QStringLiteral("probe"), ctx, done); });
    std::printf("RESULT ok=%d ms=%lld code=%s message=%s\n", int(r.ok()), clock.elapsed(),
                r.ok() ? "" : qPrintable(r.error().code),
                r.ok() ? "" : qPrintable(r.error().message));
    std::fflush(stdout);
}

struct ChildRun {
    bool exited = false;
    qint64 ms = -1;
    QByteArray out;
};

ChildRun runChild(const QString& busAddress, int timeoutMs) {
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("AR_NO_KEYCHAIN_CHILD"), QStringLiteral("1"));
    env.insert(QStringLiteral("AR_CHILD_TIMEOUT_MS"), QString::number(timeoutMs));
    env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), busAddress);
    env.insert(QStringLiteral("DISPLAY"),
               QStringLiteral(":99"));  // the case where a prompt could hang
    p.setProcessEnvironment(env);
    QElapsedTimer clock;
    clock.start();
    p.start(QCoreApplication::applicationFilePath(),
            {QStringLiteral("--gtest_filter=NoKeychainChild.Report")});
    ChildRun run;
    run.exited = p.waitForFinished(timeoutMs + 20'000);
    if (!run.exited) p.kill(), p.waitForFinished();
    run.ms = clock.elapsed();
    run.out = p.readAllStandardOutput();
    const qsizetype at = run.out.indexOf("RESULT ");
    if (at >= 0) run.out = run.out.mid(at, run.out.indexOf('\n', at) - at);  // the report line only
    std::printf("child: %s\n", run.out.constData());
    return run;
}

TEST(NoKeychain, NoSessionBusGivesAClearErrorWithinTheTimeout) {
    const ChildRun run =
        runChild(QStringLiteral("unix:path=/nonexistent/agentrouter-test-bus"), 3000);
    ASSERT_TRUE(run.exited) << "the child hung";
    ASSERT_TRUE(run.out.contains("RESULT ok=0")) << run.out.constData();
    EXPECT_TRUE(run.out.contains("code=keychain_unavailable") ||
                run.out.contains("code=keychain_timeout"))
        << run.out.constData();
    EXPECT_TRUE(run.out.contains("keychain")) << run.out.constData();
    const qint64 ms = run.out.mid(run.out.indexOf("ms=") + 3).split(' ').first().toLongLong();
    EXPECT_LE(ms, 3000 + 500) << run.out.constData();
}

TEST(NoKeychain, ABusThatNeverAnswersTimesOutInsteadOfHanging) {
    // A socket that accepts (in the kernel backlog) and never says a word: the D-Bus handshake
    // and every keychain job would wait forever without our timeout.
    QTemporaryDir dir;
    const QByteArray path = (dir.path() + QStringLiteral("/bus")).toUtf8();
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.constData(), sizeof(addr.sun_path) - 1);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    ASSERT_EQ(::listen(fd, 16), 0);

    const ChildRun run = runChild(QStringLiteral("unix:path=") + QString::fromUtf8(path), 1500);
    ::close(fd);
    ASSERT_TRUE(run.exited) << "the child hung";
    ASSERT_TRUE(run.out.contains("RESULT ok=0 ")) << run.out.constData();
    EXPECT_TRUE(run.out.contains("code=keychain_timeout")) << run.out.constData();
    EXPECT_TRUE(run.out.contains("did not answer within 1.5 s")) << run.out.constData();
    const qint64 ms = run.out.mid(run.out.indexOf("ms=") + 3).split(' ').first().toLongLong();
    EXPECT_GE(ms, 1400);
    EXPECT_LE(ms, 1500 + 1000);
}

}  // namespace
}  // namespace ar::test
