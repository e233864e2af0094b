#pragma once

#include <QByteArray>
#include <QList>
#include <utility>

namespace ar {

using HttpHeaders = QList<std::pair<QByteArray, QByteArray>>;

// One parsed request. Header names are lower-cased; the body is already de-chunked.
struct HttpRequest {
    QByteArray method;
    QByteArray path;   // without the query
    QByteArray query;  // without the '?'
    HttpHeaders headers;
    QByteArray body;
    QByteArray peer;   // client address, for the access log

    QByteArray header(QByteArrayView lowerName) const {
        for (const auto& [name, value] : headers)
            if (name == lowerName) return value;
        return {};
    }
};

}  // namespace ar
