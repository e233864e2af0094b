#include "api/RequestValidation.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace ar {

namespace {

ApiError wrongType(const QString& field, const char* expected) {
    return ApiError::badRequest(
        QStringLiteral("Invalid type for '%1': expected %2.").arg(field, QLatin1String(expected)),
        field, QStringLiteral("invalid_type"));
}

ApiError missing(const QString& field) {
    return ApiError::badRequest(QStringLiteral("Missing required parameter: '%1'.").arg(field),
                                field, QStringLiteral("missing_required_parameter"));
}

std::optional<ApiError> checkOptional(const QJsonObject& o, const QString& field,
                                      QJsonValue::Type type, const char* expected) {
    const QJsonValue v = o.value(field);
    if (v.isUndefined() || v.isNull() || v.type() == type) return std::nullopt;
    return wrongType(field, expected);
}

std::optional<ApiError> checkChat(const QJsonObject& o) {
    const QJsonValue messages = o.value(QStringLiteral("messages"));
    if (messages.isUndefined()) return missing(QStringLiteral("messages"));
    if (!messages.isArray()) return wrongType(QStringLiteral("messages"), "an array");
    const QJsonArray arr = messages.toArray();
    if (arr.isEmpty())
        return ApiError::badRequest(QStringLiteral("'messages' must contain at least one message."),
                                    QStringLiteral("messages"), QStringLiteral("empty_array"));
    const auto field = [](qsizetype i) { return QStringLiteral("messages[%1]").arg(i); };  // errors only
    for (qsizetype i = 0; i < arr.size(); ++i) {
        const QJsonValue message = arr[i];
        if (!message.isObject()) return wrongType(field(i), "an object");
        if (!message.toObject().value(QLatin1String("role")).isString()) return missing(field(i) + QStringLiteral(".role"));
    }
    if (auto e = checkOptional(o, QStringLiteral("stream"), QJsonValue::Bool, "a boolean")) return e;
    if (auto e = checkOptional(o, QStringLiteral("stream_options"), QJsonValue::Object, "an object")) return e;
    if (auto e = checkOptional(o, QStringLiteral("temperature"), QJsonValue::Double, "a number")) return e;
    if (auto e = checkOptional(o, QStringLiteral("max_tokens"), QJsonValue::Double, "an integer")) return e;
    if (auto e = checkOptional(o, QStringLiteral("max_completion_tokens"), QJsonValue::Double, "an integer")) return e;
    if (auto e = checkOptional(o, QStringLiteral("tools"), QJsonValue::Array, "an array")) return e;
    return std::nullopt;
}

std::optional<ApiError> checkEmbeddings(const QJsonObject& o) {
    const QJsonValue input = o.value(QStringLiteral("input"));
    if (input.isUndefined() || input.isNull()) return missing(QStringLiteral("input"));
    if (!input.isString() && !input.isArray())
        return wrongType(QStringLiteral("input"), "a string or an array");
    if (input.isArray() && input.toArray().isEmpty())
        return ApiError::badRequest(QStringLiteral("'input' must not be empty."), QStringLiteral("input"),
                                    QStringLiteral("empty_array"));
    return checkOptional(o, QStringLiteral("dimensions"), QJsonValue::Double, "an integer");
}

std::optional<ApiError> checkImages(const QJsonObject& o) {
    const QJsonValue prompt = o.value(QStringLiteral("prompt"));
    if (prompt.isUndefined() || prompt.isNull()) return missing(QStringLiteral("prompt"));
    if (!prompt.isString()) return wrongType(QStringLiteral("prompt"), "a string");
    if (auto e = checkOptional(o, QStringLiteral("n"), QJsonValue::Double, "an integer")) return e;
    return checkOptional(o, QStringLiteral("size"), QJsonValue::String, "a string");
}

}  // namespace

Result<QJsonObject> parseAndValidate(Endpoint endpoint, const QByteArray& body) {
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError)
        return ApiError::badRequest(
            QStringLiteral("We could not parse the JSON body of your request (%1 at offset %2).")
                .arg(error.errorString())
                .arg(error.offset),
            {}, QStringLiteral("invalid_json"));
    if (!doc.isObject())
        return ApiError::badRequest(QStringLiteral("The request body must be a JSON object."), {},
                                    QStringLiteral("invalid_json"));
    QJsonObject o = doc.object();
    if (endpoint == Endpoint::ImageGenerations && !o.contains(QStringLiteral("model")))
        o.insert(QStringLiteral("model"), QStringLiteral("dall-e-2"));  // OpenAI's default
    const QJsonValue model = o.value(QStringLiteral("model"));
    if (model.isUndefined() || model.isNull()) return missing(QStringLiteral("model"));
    if (!model.isString() || model.toString().isEmpty())
        return wrongType(QStringLiteral("model"), "a non-empty string");
    std::optional<ApiError> problem;
    switch (endpoint) {
        case Endpoint::ChatCompletions: problem = checkChat(o); break;
        case Endpoint::Embeddings: problem = checkEmbeddings(o); break;
        case Endpoint::ImageGenerations: problem = checkImages(o); break;
    }
    if (problem) return *problem;
    return o;
}

}  // namespace ar
