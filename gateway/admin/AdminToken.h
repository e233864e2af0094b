#pragma once

#include <QByteArray>
#include <QReadWriteLock>

namespace ar {

// The admin API's bearer token. Only its SHA-256 is held in memory; the token itself lives in
// the secret store. Thread-safe: set once at startup on the main thread, checked by workers.
class AdminToken {
public:
    static QByteArray generate();  // "ar-admin-" + 43 random base64url characters

    void set(QByteArrayView token);
    bool isSet() const;
    bool verify(QByteArrayView presented) const;  // constant time

private:
    mutable QReadWriteLock m_lock;
    QByteArray m_hash;
};

}  // namespace ar
