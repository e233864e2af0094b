#pragma once

#include <QByteArray>
#include <QFile>
#include <QList>
#include <QString>

namespace ar::test {

// A file under tests/data (AR_TEST_DATA_DIR is set per test binary by CMake).
inline QByteArray testData(const QString& relativePath) {
#ifdef AR_TEST_DATA_DIR
    QFile f(QStringLiteral(AR_TEST_DATA_DIR "/") + relativePath);
#else
    QFile f(relativePath);
#endif
    if (!f.open(QIODevice::ReadOnly)) return {};
    return f.readAll();
}

// Splits a recorded SSE body into its events, separators kept.
inline QList<QByteArray> sseEvents(const QByteArray& body, const QByteArray& separator = "\n\n") {
    QList<QByteArray> out;
    qsizetype pos = 0;
    while (pos < body.size()) {
        const qsizetype end = body.indexOf(separator, pos);
        if (end < 0) break;
        out.append(body.mid(pos, end + separator.size() - pos));
        pos = end + separator.size();
    }
    return out;
}

}  // namespace ar::test
