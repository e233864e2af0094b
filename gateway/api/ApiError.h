#pragma once

#include <QByteArray>
#include <QString>

namespace ar {

// An error as the client sees it: an HTTP status and OpenAI's
// {"error":{"message","type","param","code"}} body.
struct ApiError {
    int status = 500;
    QString message;
    QString type = QStringLiteral("invalid_request_error");
    QString param;  // empty -> null
    QString code;   // empty -> null
    int retryAfterSeconds = -1;  // >= 0 adds a Retry-After header

    QByteArray toJson() const;

    static ApiError badRequest(const QString& message, const QString& param = {},
                               const QString& code = {});
    static ApiError unauthorized(const QString& message,
                                 const QString& code = QStringLiteral("invalid_api_key"));
    static ApiError forbidden(const QString& message, const QString& code);
    static ApiError notFound(const QString& message, const QString& code = {});
    static ApiError modelNotFound(const QString& model);
    static ApiError methodNotAllowed(const QString& method, const QString& path);
    static ApiError payloadTooLarge(const QString& message);
    static ApiError tooManyRequests(const QString& message, const QString& code,
                                    int retryAfterSeconds);
    static ApiError badGateway(const QString& message, const QString& code = {});
    static ApiError gatewayTimeout(const QString& message);
    static ApiError internal(const QString& message);
};

}  // namespace ar
