#pragma once

#include <QByteArray>

#include "http/HttpRequest.h"

namespace ar {

// http-parser hands over header names and values in pieces, split wherever a read ended;
// this joins them into (lower-cased name, value) pairs. Shared by the server, the upstream
// client and the tests' client.
class HeaderCollector {
public:
    void field(const char* at, size_t n) {
        if (m_inValue) {
            m_field.truncate(0);  // keeps its buffer for the next name
            m_inValue = false;
        }
        m_field.append(at, qsizetype(n));
    }

    void value(HttpHeaders& into, const char* at, size_t n) {
        if (m_inValue) {
            into.last().second.append(at, qsizetype(n));
            return;
        }
        if (into.capacity() == 0) into.reserve(8);  // one allocation for a typical request's headers
        into.emplaceBack(lowerCased(m_field), QByteArray(at, qsizetype(n)));
        m_inValue = true;
    }

    void reset() {
        m_field.truncate(0);
        m_inValue = false;
    }

    // `name` in lower case; the names nearly every message carries come from static text, so
    // they cost no allocation.
    static QByteArray lowerCased(QByteArrayView name);

private:
    QByteArray m_field;
    bool m_inValue = false;
};

}  // namespace ar
