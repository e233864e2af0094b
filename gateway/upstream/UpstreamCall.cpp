#include "upstream/UpstreamCall.h"

#include "upstream/UpstreamConnection.h"

namespace ar {

UpstreamCall::~UpstreamCall() {
    if (m_connection) m_connection->abandon();
}

QByteArray UpstreamCall::header(QByteArrayView lowerName) const {
    for (const auto& [name, value] : m_headers)
        if (name == lowerName) return value;
    return {};
}

}  // namespace ar
