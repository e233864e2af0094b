#include "api/RequestValidation.h"

#include <QJsonArray>
#include <QJsonDocument>

#include "api/JsonScan.h"

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

ApiError noMessages() {
    return ApiError::badRequest(QStringLiteral("'messages' must contain at least one message."),
                                QStringLiteral("messages"), QStringLiteral("empty_array"));
}

ApiError noInput() {
    return ApiError::badRequest(QStringLiteral("'input' must not be empty."), QStringLiteral("input"),
                                QStringLiteral("empty_array"));
}

QString messageField(qsizetype i) { return QStringLiteral("messages[%1]").arg(i); }  // errors only

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
    if (arr.isEmpty()) return noMessages();
    for (qsizetype i = 0; i < arr.size(); ++i) {
        const QJsonValue message = arr[i];
        if (!message.isObject()) return wrongType(messageField(i), "an object");
        if (!message.toObject().value(QLatin1String("role")).isString()) return missing(messageField(i) + QStringLiteral(".role"));
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
    if (input.isArray() && input.toArray().isEmpty()) return noInput();
    return checkOptional(o, QStringLiteral("dimensions"), QJsonValue::Double, "an integer");
}

std::optional<ApiError> checkImages(const QJsonObject& o) {
    const QJsonValue prompt = o.value(QStringLiteral("prompt"));
    if (prompt.isUndefined() || prompt.isNull()) return missing(QStringLiteral("prompt"));
    if (!prompt.isString()) return wrongType(QStringLiteral("prompt"), "a string");
    if (auto e = checkOptional(o, QStringLiteral("n"), QJsonValue::Double, "an integer")) return e;
    return checkOptional(o, QStringLiteral("size"), QJsonValue::String, "a string");
}

// The same checks on the raw body (see JsonScan.h). nullopt: not decided without a document
// (invalid JSON for the error text, or an escaped key or model name).
namespace fast {

using json_scan::Kind;
using json_scan::kindOf;

struct Fields {
    QByteArrayView model, messages, stream, streamOptions, temperature, maxTokens,
        maxCompletionTokens, tools, input, dimensions, prompt, n, size;
};

bool isEscaped(QByteArrayView raw) { return raw.contains('\\'); }

std::optional<ApiError> checkOptional(QByteArrayView value, const QString& field, Kind kind,
                                      const char* expected) {
    const Kind k = kindOf(value);
    if (k == Kind::Absent || k == Kind::Null || k == kind) return std::nullopt;
    return wrongType(field, expected);
}

// A message's last "role" (duplicate keys: the last one counts, as in QJsonDocument);
// nullopt when a key is escaped.
std::optional<QByteArrayView> roleOf(QByteArrayView message) {
    json_scan::Items members(message);
    QByteArrayView key, value, role;
    while (members.next(key, value)) {
        if (isEscaped(key)) return std::nullopt;
        if (key == "role") role = value;
    }
    return role;
}

// The outer nullopt: not decided here (an escaped key in a message).
std::optional<std::optional<ApiError>> checkChat(const Fields& f) {
    if (f.messages.isEmpty()) return missing(QStringLiteral("messages"));
    if (kindOf(f.messages) != Kind::Array) return wrongType(QStringLiteral("messages"), "an array");
    json_scan::Items items(f.messages);
    QByteArrayView key, message;
    qsizetype i = 0;
    for (; items.next(key, message); ++i) {
        if (kindOf(message) != Kind::Object) return wrongType(messageField(i), "an object");
        const std::optional<QByteArrayView> role = roleOf(message);
        if (!role) return std::nullopt;
        if (kindOf(*role) != Kind::String) return missing(messageField(i) + QStringLiteral(".role"));
    }
    if (i == 0) return noMessages();
    if (auto e = checkOptional(f.stream, QStringLiteral("stream"), Kind::Bool, "a boolean")) return e;
    if (auto e = checkOptional(f.streamOptions, QStringLiteral("stream_options"), Kind::Object, "an object")) return e;
    if (auto e = checkOptional(f.temperature, QStringLiteral("temperature"), Kind::Number, "a number")) return e;
    if (auto e = checkOptional(f.maxTokens, QStringLiteral("max_tokens"), Kind::Number, "an integer")) return e;
    if (auto e = checkOptional(f.maxCompletionTokens, QStringLiteral("max_completion_tokens"), Kind::Number, "an integer")) return e;
    if (auto e = checkOptional(f.tools, QStringLiteral("tools"), Kind::Array, "an array")) return e;
    return std::optional<ApiError>();
}

std::optional<ApiError> checkEmbeddings(const Fields& f) {
    const Kind input = kindOf(f.input);
    if (input == Kind::Absent || input == Kind::Null) return missing(QStringLiteral("input"));
    if (input != Kind::String && input != Kind::Array)
        return wrongType(QStringLiteral("input"), "a string or an array");
    QByteArrayView key, first;
    if (input == Kind::Array && !json_scan::Items(f.input).next(key, first)) return noInput();
    return checkOptional(f.dimensions, QStringLiteral("dimensions"), Kind::Number, "an integer");
}

std::optional<ApiError> checkImages(const Fields& f) {
    const Kind prompt = kindOf(f.prompt);
    if (prompt == Kind::Absent || prompt == Kind::Null) return missing(QStringLiteral("prompt"));
    if (prompt != Kind::String) return wrongType(QStringLiteral("prompt"), "a string");
    if (auto e = checkOptional(f.n, QStringLiteral("n"), Kind::Number, "an integer")) return e;
    return checkOptional(f.size, QStringLiteral("size"), Kind::String, "a string");
}

std::optional<Result<ClientRequest>> read(Endpoint endpoint, const QByteArray& body) {
    if (!json_scan::isValidObject(body)) return std::nullopt;
    Fields f;
    json_scan::Items members(body);
    QByteArrayView key, value;
    while (members.next(key, value)) {
        if (isEscaped(key)) return std::nullopt;  // it might spell one of the names below
        if (key == "model") f.model = value;
        else if (key == "messages") f.messages = value;
        else if (key == "stream") f.stream = value;
        else if (key == "stream_options") f.streamOptions = value;
        else if (key == "temperature") f.temperature = value;
        else if (key == "max_tokens") f.maxTokens = value;
        else if (key == "max_completion_tokens") f.maxCompletionTokens = value;
        else if (key == "tools") f.tools = value;
        else if (key == "input") f.input = value;
        else if (key == "dimensions") f.dimensions = value;
        else if (key == "prompt") f.prompt = value;
        else if (key == "n") f.n = value;
        else if (key == "size") f.size = value;
    }
    QString model;
    if (endpoint == Endpoint::ImageGenerations && f.model.isEmpty()) {
        model = QStringLiteral("dall-e-2");  // OpenAI's default
    } else {
        const Kind kind = kindOf(f.model);
        if (kind == Kind::Absent || kind == Kind::Null) return missing(QStringLiteral("model"));
        if (kind != Kind::String || f.model.size() == 2)
            return wrongType(QStringLiteral("model"), "a non-empty string");
        if (isEscaped(f.model)) return std::nullopt;
        model = QString::fromUtf8(f.model.sliced(1, f.model.size() - 2));
    }
    std::optional<ApiError> problem;
    switch (endpoint) {
        case Endpoint::ChatCompletions: {
            auto checked = checkChat(f);
            if (!checked) return std::nullopt;
            problem = *checked;
            break;
        }
        case Endpoint::Embeddings: problem = checkEmbeddings(f); break;
        case Endpoint::ImageGenerations: problem = checkImages(f); break;
    }
    if (problem) return *problem;
    bool includeUsage = false;
    if (kindOf(f.streamOptions) == Kind::Object) {
        json_scan::Items options(f.streamOptions);
        while (options.next(key, value)) {
            if (isEscaped(key)) return std::nullopt;
            if (key == "include_usage") includeUsage = value == "true";
        }
    }
    return ClientRequest(endpoint, body, std::move(model), f.stream == "true", includeUsage);
}

}  // namespace fast

}  // namespace

Result<ClientRequest> readRequest(Endpoint endpoint, const QByteArray& body) {
    if (auto read = fast::read(endpoint, body)) return std::move(*read);
    auto parsed = parseAndValidate(endpoint, body);
    if (!parsed) return parsed.error();
    return ClientRequest::fromObject(endpoint, std::move(parsed.value()), body);
}

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
