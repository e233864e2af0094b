#include "admin/AdminToken.h"

#include "auth/ApiKey.h"

namespace ar {

QByteArray AdminToken::generate() {
    // The gateway key generator already draws 32 bytes from OpenSSL's CSPRNG.
    return "ar-admin-" + apikey::generate().secret;
}

void AdminToken::set(QByteArrayView token) {
    QWriteLocker lock(&m_lock);
    m_hash = token.isEmpty() ? QByteArray() : apikey::hashSecret(token);
}

bool AdminToken::isSet() const {
    QReadLocker lock(&m_lock);
    return !m_hash.isEmpty();
}

bool AdminToken::verify(QByteArrayView presented) const {
    if (presented.isEmpty()) return false;
    const QByteArray hash = apikey::hashSecret(presented);
    QReadLocker lock(&m_lock);
    return !m_hash.isEmpty() && apikey::hashesEqual(m_hash, hash);
}

}  // namespace ar
