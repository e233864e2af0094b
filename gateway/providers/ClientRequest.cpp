#include "providers/ClientRequest.h"

#include <QJsonDocument>

namespace ar {

ClientRequest::ClientRequest(Endpoint endpoint, QByteArray body, QString model, bool stream,
                             bool includeUsage)
    : m_endpoint(endpoint),
      m_body(std::move(body)),
      m_model(std::move(model)),
      m_stream(stream),
      m_includeUsage(includeUsage) {}

ClientRequest ClientRequest::fromObject(Endpoint endpoint, QJsonObject object, QByteArray body) {
    ClientRequest r(endpoint, std::move(body), object.value(QStringLiteral("model")).toString(),
                    object.value(QStringLiteral("stream")).toBool(),
                    object.value(QStringLiteral("stream_options"))
                        .toObject()
                        .value(QStringLiteral("include_usage"))
                        .toBool());
    r.m_object = std::move(object);
    return r;
}

const QJsonObject& ClientRequest::object() const {
    if (!m_object) {
        QJsonObject o = QJsonDocument::fromJson(m_body).object();  // validated before
        if (m_endpoint == Endpoint::ImageGenerations && !o.contains(QStringLiteral("model")))
            o.insert(QStringLiteral("model"), QStringLiteral("dall-e-2"));  // as validation assumed
        m_object = std::move(o);
    }
    return *m_object;
}

}  // namespace ar
