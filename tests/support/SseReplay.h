#pragma once

#include <gtest/gtest.h>

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <optional>

#include "http/SseParser.h"
#include "providers/Translator.h"

namespace ar::test {

// Everything a translator produced from one upstream stream: the chunk payloads it emitted and
// the first error, if any.
struct StreamRun {
    QList<QJsonObject> chunks;
    std::optional<ApiError> error;
};

// Feeds raw upstream SSE bytes through the real parser in `pieceSize`-byte reads (so events
// split across reads are exercised) and translates each event, stopping at the first error as
// the proxy does. Every payload must be a JSON object.
inline StreamRun replayStream(Translator& translator, const QByteArray& sse, qsizetype pieceSize) {
    SseParser parser;
    StreamRun run;
    for (qsizetype pos = 0; pos < sse.size() && !run.error; pos += pieceSize) {
        QList<SseEvent> events;
        parser.feed(sse.mid(pos, pieceSize), events);
        for (const SseEvent& e : events) {
            QList<QByteArray> out;
            const Status st = translator.translateEvent(e, out);
            for (const QByteArray& payload : out) {
                QJsonParseError err{};
                const QJsonDocument doc = QJsonDocument::fromJson(payload, &err);
                EXPECT_TRUE(err.error == QJsonParseError::NoError && doc.isObject())
                    << payload.constData();
                run.chunks.append(doc.object());
            }
            if (!st) {
                run.error = st.error();
                break;
            }
        }
    }
    return run;
}

}  // namespace ar::test
