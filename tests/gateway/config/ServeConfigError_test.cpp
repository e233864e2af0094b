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

TEST(ServeConfigError, NoArgumentsHandsOverToTheWindowWhichSaysWhatToDoWithoutADisplay) {
    // `agentrouter` itself never loads the GUI: it execs agentrouter-desktop, whose answer
    // (here: no display) is what the user sees, from the same process.
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char* name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}) env.remove(QString::fromLatin1(name));
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(AR_BINARY_DIR "/app/agentrouter"), QStringList{});
    ASSERT_TRUE(p.waitForFinished(30000));
    EXPECT_EQ(p.exitCode(), 2);
    const QString err = QString::fromUtf8(p.readAllStandardError());
    EXPECT_TRUE(err.contains("no display to open the window on")) << qPrintable(err);
    EXPECT_TRUE(err.contains("agentrouter serve")) << qPrintable(err);
}

}  // namespace
}  // namespace ar
