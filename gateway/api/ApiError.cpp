#include "api/ApiError.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace ar {

namespace {

// A JSON string literal (or null), escaped by Qt's writer.
QByteArray jsonString(const QString& s, bool emptyIsNull) {
    if (emptyIsNull && s.isEmpty()) return QByteArrayLiteral("null");
    const QByteArray array = QJsonDocument(QJsonArray{s}).toJson(QJsonDocument::Compact);
    return array.mid(1, array.size() - 2);
}

}  // namespace

QByteArray ApiError::toJson() const {
    // Written by hand to keep OpenAI's key order (QJsonObject would sort the keys).
    return "{\"error\":{\"message\":" + jsonString(message, false) +
           ",\"type\":" + jsonString(type, false) + ",\"param\":" + jsonString(param, true) +
           ",\"code\":" + jsonString(code, true) + "}}";
}

ApiError ApiError::badRequest(const QString& message, const QString& param, const QString& code) {
    return {400, message, QStringLiteral("invalid_request_error"), param, code};
}

ApiError ApiError::unauthorized(const QString& message, const QString& code) {
    return {401, message, QStringLiteral("invalid_request_error"), {}, code};
}

ApiError ApiError::forbidden(const QString& message, const QString& code) {
    return {403, message, QStringLiteral("permission_error"), {}, code};
}

ApiError ApiError::notFound(const QString& message, const QString& code) {
    return {404, message, QStringLiteral("invalid_request_error"), {}, code};
}

ApiError ApiError::modelNotFound(const QString& model) {
    return {404,
            QStringLiteral("The model '%1' does not exist or no configured route serves it.")
                .arg(model),
            QStringLiteral("invalid_request_error"), QStringLiteral("model"),
            QStringLiteral("model_not_found")};
}

ApiError ApiError::methodNotAllowed(const QString& method, const QString& path) {
    return {405, QStringLiteral("Method %1 is not allowed on %2.").arg(method, path),
            QStringLiteral("invalid_request_error"), {}, QStringLiteral("method_not_allowed")};
}

ApiError ApiError::payloadTooLarge(const QString& message) {
    return {413, message, QStringLiteral("invalid_request_error"), {},
            QStringLiteral("request_too_large")};
}

ApiError ApiError::tooManyRequests(const QString& message, const QString& code,
                                   int retryAfterSeconds) {
    ApiError e{429, message, QStringLiteral("rate_limit_error"), {}, code};
    e.retryAfterSeconds = retryAfterSeconds;
    return e;
}

ApiError ApiError::badGateway(const QString& message, const QString& code) {
    return {502, message, QStringLiteral("upstream_error"), {},
            code.isEmpty() ? QStringLiteral("upstream_unreachable") : code};
}

ApiError ApiError::gatewayTimeout(const QString& message) {
    return {504, message, QStringLiteral("upstream_error"), {}, QStringLiteral("upstream_timeout")};
}

ApiError ApiError::internal(const QString& message) {
    return {500, message, QStringLiteral("server_error"), {}, {}};
}

}  // namespace ar
