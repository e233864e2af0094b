#pragma once

#include <QByteArray>
#include <QString>
#include <optional>

namespace ar {

// A gateway key "sk-ar-<keyid>.<secret>". Only SHA-256(secret) is ever stored.
struct ApiKeyParts {
    QString keyId;
    QByteArray secret;
};

namespace apikey {

inline constexpr QLatin1StringView kPrefix{"sk-ar-"};

// Splits a presented key; nullopt when it is not of our shape.
std::optional<ApiKeyParts> parse(QByteArrayView presented);

// A new random key id and secret (OpenSSL RAND_bytes).
ApiKeyParts generate();

QString format(const ApiKeyParts& parts);

QByteArray hashSecret(QByteArrayView secret);  // raw 32-byte SHA-256

// Constant-time comparison of two hashes.
bool hashesEqual(QByteArrayView a, QByteArrayView b);

// Pulls the key from "Authorization: Bearer ..." or "x-api-key".
QByteArray fromHeaders(QByteArrayView authorization, QByteArrayView xApiKey);

// "sk-ar-abc123…" for logs: never more than the key id.
QString redact(QByteArrayView presented);

}  // namespace apikey
}  // namespace ar
