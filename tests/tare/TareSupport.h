#pragma once

// Running the real `tare` (and `agentrouter`) binary from tests, while the test's event loop
// keeps turning for the in-process gateway (its admin services answer on the main thread).
#include <gtest/gtest.h>

#include <QProcess>
#include <QRegularExpression>

#include "gateway/admin/SecretsTestSupport.h"

namespace ar::test {

struct ProcessResult {
    int exitCode = -1;
    QString out;
    QString err;
};

inline QString binary(const char* name) {
    return QStringLiteral(AR_BINARY_DIR "/app/") + QLatin1String(name);
}

// One run of a binary, started now; the test may watch its stderr while it runs.
class Child {
public:
    // `env`: "NAME=value" additions; `input`: what the program reads on stdin.
    Child(const char* program, const QStringList& args, const QStringList& env = {},
          const QByteArray& input = {}) {
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.remove(QStringLiteral("NO_COLOR"));
        e.remove(QStringLiteral("CLICOLOR_FORCE"));
        for (const QString& kv : env)
            e.insert(kv.section(QLatin1Char('='), 0, 0), kv.section(QLatin1Char('='), 1));
        m_process.setProcessEnvironment(e);
        m_process.start(binary(program), args);
        if (!input.isEmpty()) m_process.write(input);
        m_process.closeWriteChannel();
    }
    ~Child() {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }

    // Waits (turning the event loop) until stderr matches; returns the first capture.
    QString waitForErr(const QRegularExpression& re, int timeoutMs = 30'000) {
        QString captured;
        pumpUntil(
            [&] {
                m_err += QString::fromUtf8(m_process.readAllStandardError());
                const QRegularExpressionMatch m = re.match(m_err);
                if (m.hasMatch()) captured = m.captured(1);
                return m.hasMatch() || m_process.state() == QProcess::NotRunning;
            },
            timeoutMs);
        return captured;
    }

    ProcessResult finish(int timeoutMs = 60'000) {
        pumpUntil([&] { return m_process.state() == QProcess::NotRunning; }, timeoutMs);
        ProcessResult r;
        if (m_process.state() != QProcess::NotRunning) {
            ADD_FAILURE() << "process did not finish";
            m_process.kill();
            m_process.waitForFinished(5000);
        }
        r.exitCode = m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
        r.out = QString::fromUtf8(m_process.readAllStandardOutput());
        r.err = m_err + QString::fromUtf8(m_process.readAllStandardError());
        return r;
    }

private:
    QProcess m_process;
    QString m_err;
};

inline ProcessResult tare(const QStringList& args, const QStringList& env = {}) {
    return Child("tare", args, env).finish();
}

// The user code `tare api login` shows.
inline const QRegularExpression kUserCode(QStringLiteral("User code: (\\S+)"));

}  // namespace ar::test
