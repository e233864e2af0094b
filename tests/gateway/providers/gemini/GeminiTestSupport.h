#pragma once

// Helpers shared by the Gemini translator tests. Fixtures live in tests/data/gemini and are
// written in the exact shape Gemini uses on the wire (see the .sse files: CRLF framing).

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <gtest/gtest.h>

#include "providers/ProviderConfig.h"
#include "providers/Translator.h"
#include "support/SseReplay.h"

namespace ar::gemini_test {

inline constexpr char kApiKey[] = "AIzaTEST-not-a-real-key-0123456789";

inline ProviderConfig provider() {
    ProviderConfig p;
    p.id = QStringLiteral("google");
    p.type = QStringLiteral("gemini");
    p.baseUrl = QUrl(QStringLiteral("https://generativelanguage.googleapis.com/v1beta"));
    p.apiKey = QString::fromLatin1(kApiKey);
    p.extraHeaders.append({QByteArray("x-goog-user-project"), QByteArray("demo-project")});
    return p;
}

inline QByteArray readData(const char* name) {
    QFile file(QStringLiteral(AR_TEST_DATA_DIR "/gemini/") + QLatin1StringView(name));
    EXPECT_TRUE(file.open(QIODevice::ReadOnly)) << "missing fixture " << name;
    return file.readAll();
}

inline QJsonObject obj(const QByteArray& json) {
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    EXPECT_EQ(error.error, QJsonParseError::NoError) << json.constData();
    return doc.object();
}

inline QJsonObject obj(const char* json) { return obj(QByteArray(json)); }

// Prints JSON on failure so mismatches are readable.
inline std::string dump(const QJsonObject& o) {
    return QJsonDocument(o).toJson(QJsonDocument::Indented).toStdString();
}

#define EXPECT_JSON_EQ(actual, expected) \
    EXPECT_EQ((actual), (expected)) << "actual:\n" << ::ar::gemini_test::dump(actual) \
                                    << "expected:\n" << ::ar::gemini_test::dump(expected)

inline QByteArray header(const UpstreamRequest& r, const QByteArray& name) {
    for (const auto& [key, value] : r.headers)
        if (key.toLower() == name) return value;
    return {};
}

using test::StreamRun;

// Gemini streams replayed in 7-byte reads unless a test says otherwise (CRLF separators split).
inline StreamRun runStream(Translator& t, const QByteArray& sse, int piece = 7) {
    return test::replayStream(t, sse, piece);
}

inline QJsonObject delta(const QJsonObject& chunk) {
    return chunk[u"choices"].toArray().at(0)[u"delta"].toObject();
}

inline QJsonValue finishReason(const QJsonObject& chunk) {
    return chunk[u"choices"].toArray().at(0)[u"finish_reason"];
}

// "data: {json}\r\n\r\n" with Gemini's separators, for events built inline in tests.
inline QByteArray sseEvent(const char* json) {
    return QByteArray("data: ") + json + "\r\n\r\n";
}

}  // namespace ar::gemini_test
