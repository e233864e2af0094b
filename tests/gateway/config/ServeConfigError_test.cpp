// The real binary with a bad config: a clear message naming file and field, exit code 2.
#include <QProcess>
#include <QTemporaryDir>
#include <gtest/gtest.h>

namespace ar {
namespace {

TEST(ServeConfigError, BadConfigExitsWithCode2AndSaysWhereAndWhat) {
    QTemporaryDir dir;
    const QString path = dir.filePath("config.json");
    QFile f(path);
    ASSERT_TRUE(f.open(QIODevice::WriteOnly));
    f.write(R"({"server":{"port":"eighty"}})");
    f.close();
    QProcess p;
    p.start(QStringLiteral(AR_BINARY_DIR "/app/agentrouter"),
            {"serve", "--config", path, "--data-dir", dir.filePath("data")});
    ASSERT_TRUE(p.waitForFinished(30000));
    EXPECT_EQ(p.exitStatus(), QProcess::NormalExit);
    EXPECT_EQ(p.exitCode(), 2);
    const QString err = QString::fromUtf8(p.readAllStandardError());
    EXPECT_TRUE(err.contains(path + ": server.port: must be an integer")) << qPrintable(err);

    QProcess missing;
    missing.start(QStringLiteral(AR_BINARY_DIR "/app/agentrouter"),
                  {"serve", "--config", dir.filePath("nope.json"), "--data-dir", dir.filePath("data")});
    ASSERT_TRUE(missing.waitForFinished(30000));
    EXPECT_EQ(missing.exitCode(), 2);
    EXPECT_TRUE(QString::fromUtf8(missing.readAllStandardError()).contains("nope.json: cannot read"));
}

}  // namespace
}  // namespace ar
