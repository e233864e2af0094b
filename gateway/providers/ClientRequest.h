#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <optional>

#include "providers/Endpoint.h"

namespace ar {

// One validated /v1 request body: the bytes as received, the few fields every request needs,
// and the parsed object built only when something asks for it. Most requests are forwarded
// as received (same schema, same model) and never need the object; translating to another
// schema, rewriting the model, estimating usage or weighing a budget do.
// The lazy object is built on the calling thread without a lock: a request belongs to one
// thread.
class ClientRequest {
public:
    ClientRequest() = default;
    // A body whose fields were read without parsing it (api/RequestValidation).
    ClientRequest(Endpoint endpoint, QByteArray body, QString model, bool stream,
                  bool includeUsage);
    // An already parsed body; `body` may be empty when there are no client bytes to forward.
    static ClientRequest fromObject(Endpoint endpoint, QJsonObject object, QByteArray body = {});

    Endpoint endpoint() const { return m_endpoint; }
    const QByteArray& body() const { return m_body; }
    const QString& model() const { return m_model; }
    bool stream() const { return m_stream; }  // "stream": true (any endpoint)
    bool includeUsage() const {
        return m_includeUsage;
    }  // "stream_options": {"include_usage": true}

    // The body as a JSON object (images: with OpenAI's default model when none was given);
    // parsed on first use.
    const QJsonObject& object() const;
    bool hasObject() const { return m_object.has_value(); }

private:
    Endpoint m_endpoint = Endpoint::ChatCompletions;
    QByteArray m_body;
    QString m_model;
    bool m_stream = false;
    bool m_includeUsage = false;
    mutable std::optional<QJsonObject> m_object;
};

}  // namespace ar
