#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QUrl>
#include <utility>

namespace ar::app {

// One HTTP answer as a command-line tool needs it. `transportError` is set (and status is 0)
// when there was no HTTP answer at all: refused, timed out, bad TLS, ...
struct HttpReply {
    int status = 0;
    QByteArray body;
    QList<std::pair<QByteArray, QByteArray>> headers;
    QString transportError;

    bool ok() const { return status >= 200 && status < 300; }
    QJsonObject json() const;  // empty when the body is not a JSON object
    // The message of an OpenAI-shaped ({"error":{"message"}}) or RFC 6749 ({"error",
    // "error_description"}) error body, else the body's first line, else the status.
    QString errorMessage() const;
    QString errorCode() const;  // "code" of the first shape or "error" of the second
};

using RequestHeaders = QList<std::pair<QByteArray, QByteArray>>;

// Sends one request and waits for the answer in a local event loop (commands only: they do
// nothing else meanwhile). Never follows redirects across hosts; `timeoutMs` bounds it all.
HttpReply httpCall(const QByteArray& method, const QUrl& url, const QByteArray& body = {},
                   const RequestHeaders& headers = {}, int timeoutMs = 30'000);

// "a=b&c=d" with RFC 3986 percent-encoding, for application/x-www-form-urlencoded bodies.
QByteArray formEncode(const QList<std::pair<QString, QString>>& fields);

}  // namespace ar::app
