#include "HttpCall.h"

#include <QEventLoop>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>

namespace ar::app {

QJsonObject HttpReply::json() const { return QJsonDocument::fromJson(body).object(); }

QString HttpReply::errorMessage() const {
    if (!transportError.isEmpty()) return transportError;
    const QJsonObject o = json();
    const QJsonValue error = o.value(QStringLiteral("error"));
    if (error.isObject()) {
        const QString message = error.toObject().value(QStringLiteral("message")).toString();
        if (!message.isEmpty()) return message;
    }
    if (error.isString()) {
        const QString description = o.value(QStringLiteral("error_description")).toString();
        return description.isEmpty() ? error.toString() : description;
    }
    const QString firstLine = QString::fromUtf8(body.left(200)).section(QLatin1Char('\n'), 0, 0);
    if (!firstLine.trimmed().isEmpty())
        return QStringLiteral("HTTP %1: %2").arg(status).arg(firstLine.trimmed());
    return QStringLiteral("HTTP %1").arg(status);
}

QString HttpReply::errorCode() const {
    const QJsonValue error = json().value(QStringLiteral("error"));
    if (error.isObject()) return error.toObject().value(QStringLiteral("code")).toString();
    return error.toString();
}

HttpReply httpCall(const QByteArray& method, const QUrl& url, const QByteArray& body,
                   const RequestHeaders& headers, int timeoutMs) {
    QNetworkAccessManager manager;
    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::SameOriginRedirectPolicy);
    request.setTransferTimeout(timeoutMs);
    for (const auto& [name, value] : headers) request.setRawHeader(name, value);
    QNetworkReply* reply = manager.sendCustomRequest(request, method, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(timeoutMs, &loop, [reply] { reply->abort(); });
    if (!reply->isFinished()) loop.exec();

    HttpReply out;
    out.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    out.body = reply->readAll();
    out.headers = reply->rawHeaderPairs();
    if (out.status == 0) {
        const QString what = reply->error() == QNetworkReply::OperationCanceledError
                                 ? QStringLiteral("no answer within %1 s").arg(timeoutMs / 1000)
                                 : reply->errorString();
        out.transportError =
            QStringLiteral("cannot reach %1: %2").arg(url.toString(QUrl::RemoveQuery), what);
    }
    delete reply;
    return out;
}

QByteArray formEncode(const QList<std::pair<QString, QString>>& fields) {
    QByteArray out;
    for (const auto& [name, value] : fields) {
        if (!out.isEmpty()) out += '&';
        out += QUrl::toPercentEncoding(name) + '=' + QUrl::toPercentEncoding(value);
    }
    return out;
}

}  // namespace ar::app
