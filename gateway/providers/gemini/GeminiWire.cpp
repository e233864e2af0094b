#include "providers/gemini/GeminiWire.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMutex>
#include <QMutexLocker>
#include <QQueue>
#include <QRandomGenerator>
#include <QUrlQuery>
#include <cmath>

namespace ar::gemini {

namespace {

QString randomAlnum(int length) {
    static const char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    QString out;
    out.reserve(length);
    auto* rng = QRandomGenerator::global();  // thread-safe, seeded by the system
    for (int i = 0; i < length; ++i) out.append(QChar::fromLatin1(kAlphabet[rng->bounded(62)]));
    return out;
}

QString errorTypeFor(int status, bool badKey) {
    if (badKey || status == 401 || status == 403) return QStringLiteral("authentication_error");
    if (status == 429) return QStringLiteral("rate_limit_error");
    if (status >= 500) return QStringLiteral("server_error");
    return QStringLiteral("invalid_request_error");
}

// Google puts machine-readable hints in details[] entries tagged by "@type".
QJsonObject detailOfType(const QJsonObject& error, QLatin1StringView typeSuffix) {
    const QJsonArray details = error.value(QLatin1StringView("details")).toArray();
    for (const QJsonValue& d : details) {
        const QJsonObject o = d.toObject();
        if (o.value(QLatin1StringView("@type")).toString().endsWith(typeSuffix)) return o;
    }
    return {};
}

bool isApiKeyInvalid(const QJsonObject& error) {
    const QJsonObject info = detailOfType(error, QLatin1StringView("google.rpc.ErrorInfo"));
    return info.value(QLatin1StringView("reason")).toString() == QLatin1StringView("API_KEY_INVALID");
}

QString scrub(QString message, const QString& secret) {
    if (!secret.isEmpty()) message.replace(secret, QStringLiteral("[redacted]"));
    return message;
}

// Bounded FIFO: old entries fall out, so memory stays flat on long-running gateways.
struct SignatureMemory {
    static constexpr qsizetype kCapacity = 4096;
    QMutex mutex;
    QHash<QString, QString> byId;
    QQueue<QString> order;
};

SignatureMemory& signatureMemory() {
    static SignatureMemory memory;
    return memory;
}

}  // namespace

QString modelResource(const QString& model) {
    return model.contains(QLatin1Char('/')) ? model : QStringLiteral("models/") + model;
}

bool isValidModelName(const QString& model) {
    if (model.isEmpty() || model.contains(QStringLiteral(".."))) return false;
    for (const QChar c : model) {
        const bool ok = c.isLetterOrNumber() || c == QLatin1Char('-') || c == QLatin1Char('_') ||
                        c == QLatin1Char('.') || c == QLatin1Char('/') || c == QLatin1Char('@');
        if (!ok || c.unicode() > 127) return false;
    }
    return true;
}

QUrl methodUrl(const QUrl& base, const QString& model, const QString& method, bool sse) {
    QUrl url = base;
    QString path = url.path();
    while (path.endsWith(QLatin1Char('/'))) path.chop(1);
    url.setPath(path + QLatin1Char('/') + modelResource(model) + QLatin1Char(':') + method);
    if (sse) {
        QUrlQuery query(url);
        query.addQueryItem(QStringLiteral("alt"), QStringLiteral("sse"));
        url.setQuery(query);
    }
    return url;
}

QList<std::pair<QByteArray, QByteArray>> requestHeaders(const ProviderConfig& provider) {
    QList<std::pair<QByteArray, QByteArray>> headers;
    headers.append(std::pair<QByteArray, QByteArray>("content-type", "application/json"));
    if (!provider.apiKey.isEmpty())
        headers.append(std::pair<QByteArray, QByteArray>("x-goog-api-key", provider.apiKey.toUtf8()));
    headers.append(provider.extraHeaders);
    return headers;
}

int parseRetryDelay(const QString& duration) {
    QString text = duration.trimmed();
    if (!text.endsWith(QLatin1Char('s'))) return -1;
    text.chop(1);
    bool ok = false;
    const double seconds = text.toDouble(&ok);
    if (!ok || seconds < 0 || seconds > 86400.0 * 365) return -1;
    return static_cast<int>(std::ceil(seconds));
}

ApiError errorFromObject(int status, const QJsonObject& error, const QString& secret) {
    const QString googleStatus = error.value(QLatin1StringView("status")).toString();
    QString message = error.value(QLatin1StringView("message")).toString();
    if (message.isEmpty()) message = QStringLiteral("Gemini returned HTTP %1").arg(status);

    ApiError e;
    e.status = status;
    e.message = scrub(message, secret);
    e.type = errorTypeFor(status, isApiKeyInvalid(error));
    e.code = googleStatus.toLower();
    if (status == 429) {
        const QJsonObject retry = detailOfType(error, QLatin1StringView("google.rpc.RetryInfo"));
        e.retryAfterSeconds =
            parseRetryDelay(retry.value(QLatin1StringView("retryDelay")).toString());
    }
    return e;
}

ApiError errorFromBody(int status, const QByteArray& body, const QString& secret) {
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    // streamGenerateContent without alt=sse wraps everything, errors included, in an array.
    const QJsonObject root = doc.isArray() ? doc.array().at(0).toObject() : doc.object();
    const QJsonObject error = root.value(QLatin1StringView("error")).toObject();
    if (error.isEmpty()) {
        ApiError e;
        e.status = status;
        e.message = QStringLiteral("Gemini returned HTTP %1").arg(status);
        e.type = errorTypeFor(status, false);
        return e;
    }
    return errorFromObject(status, error, secret);
}

QString newToolCallId() { return QStringLiteral("call_") + randomAlnum(24); }

QString newCompletionId() { return QStringLiteral("chatcmpl-") + randomAlnum(24); }

QByteArray compactJson(const QJsonObject& object) {
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

void rememberThoughtSignature(const QString& toolCallId, const QString& signature) {
    if (toolCallId.isEmpty() || signature.isEmpty()) return;
    SignatureMemory& m = signatureMemory();
    QMutexLocker lock(&m.mutex);
    if (!m.byId.contains(toolCallId)) m.order.enqueue(toolCallId);
    m.byId.insert(toolCallId, signature);
    while (m.order.size() > SignatureMemory::kCapacity) m.byId.remove(m.order.dequeue());
}

QString recallThoughtSignature(const QString& toolCallId) {
    SignatureMemory& m = signatureMemory();
    QMutexLocker lock(&m.mutex);
    return m.byId.value(toolCallId);
}

}  // namespace ar::gemini
