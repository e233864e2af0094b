#pragma once

#include <gtest/gtest.h>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QMap>
#include <ostream>

#include "providers/ProviderConfig.h"
#include "providers/Translator.h"
#include "support/SseReplay.h"

// Readable JSON in gtest failure messages (found by ADL: Qt's types are in the global namespace).
inline void PrintTo(const QJsonValue& v, std::ostream* os) {
    const QJsonDocument doc =
        v.isArray() ? QJsonDocument(v.toArray()) : QJsonDocument(v.toObject());
    *os << (v.isObject() || v.isArray()
                ? doc.toJson(QJsonDocument::Compact).toStdString()
                : QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact).toStdString());
}
inline void PrintTo(const QJsonObject& o, std::ostream* os) { PrintTo(QJsonValue(o), os); }
inline void PrintTo(const QJsonArray& a, std::ostream* os) { PrintTo(QJsonValue(a), os); }

namespace ar::test {

inline constexpr char kTestApiKey[] = "sk-ant-api03-test-secret-0000";

inline QByteArray readAnthropicData(const QString& name) {
    QFile f(QStringLiteral(AR_TEST_DATA_DIR "/anthropic/") + name);
    if (!f.open(QIODevice::ReadOnly)) {
        ADD_FAILURE() << "missing test data " << name.toStdString();
        return {};
    }
    return f.readAll();
}

inline QJsonObject parseObject(const QByteArray& json) {
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &err);
    EXPECT_EQ(err.error, QJsonParseError::NoError) << json.toStdString();
    EXPECT_TRUE(doc.isObject()) << json.toStdString();
    return doc.object();
}

inline QJsonObject parseObject(const QString& json) { return parseObject(json.toUtf8()); }

inline ProviderConfig anthropicProvider() {
    ProviderConfig p;
    p.id = QStringLiteral("anthropic");
    p.type = QStringLiteral("anthropic");
    p.baseUrl = QUrl(QStringLiteral("https://api.anthropic.com/v1"));
    p.apiKey = QString::fromLatin1(kTestApiKey);
    return p;
}

// Anthropic streams replayed in 13-byte reads unless a test says otherwise.
inline StreamRun runStream(Translator& t, const QByteArray& sse, qsizetype pieceSize = 13) {
    return replayStream(t, sse, pieceSize);
}

// A tool call as an OpenAI client reassembles it from deltas.
struct AssembledCall {
    QString id;
    QString name;
    QString arguments;
    int deltas = 0;  // chunks that mentioned this index
};

// What an OpenAI SDK would accumulate from the chunks.
struct Assembled {
    QString content;
    QString reasoning;
    QString signature;
    QMap<int, AssembledCall> toolCalls;
    QString finishReason;
};

inline Assembled assemble(const QList<QJsonObject>& chunks) {
    Assembled a;
    for (const QJsonObject& c : chunks) {
        for (const QJsonValue& choice : c.value(QStringLiteral("choices")).toArray()) {
            const QJsonObject delta = choice[QStringLiteral("delta")].toObject();
            a.content += delta.value(QStringLiteral("content")).toString();
            a.reasoning += delta.value(QStringLiteral("reasoning_content")).toString();
            a.signature += delta.value(QStringLiteral("reasoning_signature")).toString();
            for (const QJsonValue& tc : delta.value(QStringLiteral("tool_calls")).toArray()) {
                AssembledCall& call = a.toolCalls[tc[QStringLiteral("index")].toInt()];
                const QJsonObject fn = tc[QStringLiteral("function")].toObject();
                if (tc.toObject().contains(QStringLiteral("id")))
                    call.id = tc[QStringLiteral("id")].toString();
                if (fn.contains(QStringLiteral("name")))
                    call.name = fn[QStringLiteral("name")].toString();
                call.arguments += fn.value(QStringLiteral("arguments")).toString();
                ++call.deltas;
            }
            const QJsonValue finish = choice[QStringLiteral("finish_reason")];
            if (finish.isString()) a.finishReason = finish.toString();
        }
    }
    return a;
}

}  // namespace ar::test
