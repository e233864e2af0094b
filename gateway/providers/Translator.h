#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QUrl>
#include <utility>

#include "core/Result.h"
#include "http/SseParser.h"
#include "providers/ClientRequest.h"
#include "providers/Endpoint.h"
#include "providers/Usage.h"

namespace ar {

// What the gateway sends upstream for one attempt.
struct UpstreamRequest {
    QByteArray method = "POST";
    QUrl url;
    QList<std::pair<QByteArray, QByteArray>> headers;  // auth included; never logged
    QByteArray body;
    bool stream = false;
    QString caFile;  // extra trusted CA certificates (PEM) for this provider's TLS, if any
    int idleTimeoutMs = 0;  // once the answer has begun, the longest silence allowed (0: the
                            // time allowed for the answer to begin)
};

// A whole (non-stream) answer in OpenAI format.
struct TranslatedBody {
    QByteArray body;
    Usage usage;
};

// Translates one client request (OpenAI schema) to one provider's native API and its answers
// back. One instance per request and attempt: it holds the stream state.
class Translator {
public:
    virtual ~Translator() = default;

    virtual Result<UpstreamRequest> buildRequest(const QJsonObject& request,
                                                 const QString& upstreamModel) = 0;

    // What the proxy calls: by default buildRequest() on the request's object; a same-schema
    // translator can forward the client's bytes without that object ever being parsed.
    virtual Result<UpstreamRequest> translateRequest(const ClientRequest& request,
                                                     const QString& upstreamModel) {
        return buildRequest(request.object(), upstreamModel);
    }

    // A 2xx upstream body -> the OpenAI-format body for the client.
    virtual Result<TranslatedBody> translateResponse(const QByteArray& body) = 0;

    // One upstream SSE event -> zero or more OpenAI chunk payloads (the JSON after "data: ").
    // An in-band upstream error is returned as an error. Never emits "[DONE]": the caller does.
    virtual Status translateEvent(const SseEvent& event, QList<QByteArray>& out) = 0;

    // True once the upstream said its stream is complete (e.g. [DONE], message_stop).
    virtual bool streamComplete() const = 0;

    // Called when the upstream stream ends; may append last payloads (e.g. a usage chunk
    // the client asked for). An error if the stream was cut short.
    virtual Status finishStream(QList<QByteArray>& out) = 0;

    // Usage seen so far (streams: cumulative counts are set, never added).
    virtual Usage usage() const = 0;

    // A non-2xx upstream answer -> an OpenAI-shaped error with the matching status,
    // keeping the provider's message and never the credential.
    virtual ApiError translateError(int status, const QByteArray& body) const = 0;
};

}  // namespace ar
