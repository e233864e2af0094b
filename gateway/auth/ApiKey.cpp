#include "auth/ApiKey.h"

#include <QCryptographicHash>

#include <openssl/crypto.h>
#include <openssl/rand.h>

namespace ar::apikey {

namespace {

bool isIdChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool isSecretChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

QByteArray randomBytes(int n) {
    QByteArray out(n, Qt::Uninitialized);
    RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), n);
    return out;
}

}  // namespace

std::optional<ApiKeyParts> parse(QByteArrayView presented) {
    if (!presented.startsWith(QByteArrayView("sk-ar-"))) return std::nullopt;
    const QByteArrayView rest = presented.sliced(6);
    const qsizetype dot = rest.indexOf('.');
    if (dot <= 0 || dot > 32 || dot == rest.size() - 1 || rest.size() - dot - 1 > 128)
        return std::nullopt;
    const QByteArrayView id = rest.first(dot);
    const QByteArrayView secret = rest.sliced(dot + 1);
    for (char c : id)
        if (!isIdChar(c)) return std::nullopt;
    for (char c : secret)
        if (!isSecretChar(c)) return std::nullopt;
    return ApiKeyParts{QString::fromLatin1(id), secret.toByteArray()};
}

ApiKeyParts generate() {
    // 6 random bytes -> 12 hex chars of id; 32 random bytes -> 43 base64url chars of secret.
    return ApiKeyParts{QString::fromLatin1(randomBytes(6).toHex()),
                       randomBytes(32).toBase64(QByteArray::Base64UrlEncoding |
                                                QByteArray::OmitTrailingEquals)};
}

QString format(const ApiKeyParts& parts) {
    return QString(kPrefix) + parts.keyId + QLatin1Char('.') + QString::fromLatin1(parts.secret);
}

QByteArray hashSecret(QByteArrayView secret) {
    // Qt's own SHA-256: OpenSSL 3's one-shot SHA256() looks the algorithm up in its provider
    // registry on every call, which cost more than the hash on this per-request path.
    return QCryptographicHash::hash(secret, QCryptographicHash::Sha256);
}

bool hashesEqual(QByteArrayView a, QByteArrayView b) {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), size_t(a.size())) == 0;
}

QByteArray fromHeaders(QByteArrayView authorization, QByteArrayView xApiKey) {
    if (authorization.size() > 7 &&
        QByteArrayView(authorization.first(7)).compare("Bearer ", Qt::CaseInsensitive) == 0)
        return authorization.sliced(7).trimmed().toByteArray();
    return xApiKey.trimmed().toByteArray();
}

QString redact(QByteArrayView presented) {
    if (auto parts = parse(presented)) return QString(kPrefix) + parts->keyId + QStringLiteral(".***");
    return presented.isEmpty() ? QStringLiteral("-") : QStringLiteral("***");
}

}  // namespace ar::apikey
