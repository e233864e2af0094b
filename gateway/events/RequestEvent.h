#pragma once

#include <QByteArray>
#include <QMetaType>
#include <QString>

#include "providers/Usage.h"

namespace ar {

// One step in a request's life, published by the proxy for the GUI, the ledger and the
// access log. Fields not known yet at a step are left empty.
struct RequestEvent {
    enum class Kind { Started, FirstByte, Delta, Finished };

    Kind kind = Kind::Started;
    quint64 requestId = 0;
    qint64 timestampMs = 0;  // wall clock, ms since epoch
    QString method;
    QString path;
    QString keyId;
    QString keyName;
    QString model;           // public name the client asked for
    QString provider;        // provider id that served it (set from FirstByte on)
    QString upstreamModel;
    bool stream = false;
    int status = 0;          // Finished: HTTP status sent (499 when the client went away)
    QString errorCode;       // Finished: OpenAI error code, if any
    int attempts = 0;
    Usage usage;             // Finished (and Delta when known)
    qint64 costMicros = 0;   // Finished: micro-dollars; -1 when consumed at an unknown price
    int images = 0;          // Finished, images endpoint: images produced
    QString imageSize;       // images endpoint: as requested (empty: the model's default)
    QString imageQuality;
    qint64 latencyMs = -1;   // Finished: total time
    qint64 ttfbMs = -1;      // FirstByte / Finished: time to first byte sent to the client
    QByteArray payload;      // Started: request body (capped); Delta: the chunk JSON;
                             // Finished: response body for non-streams (capped)
};

}  // namespace ar

Q_DECLARE_METATYPE(ar::RequestEvent)
