#include "providers/gemini/GeminiEmbeddingsTranslator.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtEndian>
#include <cstring>

#include "providers/gemini/GeminiWire.h"

namespace ar {

using namespace gemini;

namespace {

Result<QStringList> parseInputs(const QJsonValue& input) {
    const QString param = QStringLiteral("input");
    if (input.isString()) {
        if (input.toString().isEmpty())
            return ApiError::badRequest(QStringLiteral("input must not be empty."), param);
        return QStringList{input.toString()};
    }
    if (!input.isArray() || input.toArray().isEmpty())
        return ApiError::badRequest(
            QStringLiteral("input must be a string or a non-empty array of strings."), param);
    QStringList inputs;
    for (const QJsonValue& item : input.toArray()) {
        // Token-id input (arrays of integers) only means something to OpenAI's tokenizer.
        if (!item.isString())
            return ApiError::badRequest(
                QStringLiteral("Gemini embeddings take text input only; token arrays are not supported."),
                param);
        if (item.toString().isEmpty())
            return ApiError::badRequest(QStringLiteral("input strings must not be empty."), param);
        inputs.append(item.toString());
    }
    if (inputs.size() > GeminiEmbeddingsTranslator::kMaxInputs)
        return ApiError::badRequest(QStringLiteral("Gemini embeds at most %1 inputs per request.")
                                        .arg(GeminiEmbeddingsTranslator::kMaxInputs),
                                    param);
    return inputs;
}

// 0 = not given.
Result<int> parseDimensions(const QJsonValue& value) {
    if (value.isUndefined() || value.isNull()) return 0;
    const double d = value.toDouble(-1);
    if (!value.isDouble() || d < 1 || d != static_cast<double>(value.toInteger()) || d > 65536)
        return ApiError::badRequest(QStringLiteral("dimensions must be a positive integer."),
                                    QStringLiteral("dimensions"));
    return static_cast<int>(d);
}

// The OpenAI SDKs ask for base64 by default and decode it themselves.
Result<bool> parseBase64(const QJsonValue& value) {
    if (value.isUndefined() || value.isNull() || value.toString() == QStringLiteral("float"))
        return false;
    if (value.toString() == QStringLiteral("base64")) return true;
    return ApiError::badRequest(QStringLiteral("encoding_format must be \"float\" or \"base64\"."),
                                QStringLiteral("encoding_format"));
}

QJsonObject embedRequest(const QString& resource, const QString& text, int dimensions) {
    QJsonObject request{{"model", resource},
                        {"content", QJsonObject{{"parts", QJsonArray{QJsonObject{{"text", text}}}}}}};
    if (dimensions > 0) request[QStringLiteral("outputDimensionality")] = dimensions;
    return request;
}

// OpenAI's base64 format: the raw little-endian float32 array.
QString floatsToBase64(const QJsonArray& values) {
    QByteArray bytes(values.size() * 4, Qt::Uninitialized);
    for (int i = 0; i < values.size(); ++i) {
        const float f = static_cast<float>(values.at(i).toDouble());
        quint32 bits = 0;
        std::memcpy(&bits, &f, sizeof bits);
        qToLittleEndian(bits, bytes.data() + i * 4);
    }
    return QString::fromLatin1(bytes.toBase64());
}

qint64 estimateTokens(const QStringList& inputs) {
    qint64 tokens = 0;
    for (const QString& s : inputs) tokens += (s.size() + 3) / 4;
    return tokens;
}

}  // namespace

GeminiEmbeddingsTranslator::GeminiEmbeddingsTranslator(const ProviderConfig& provider)
    : m_provider(provider) {}

Result<UpstreamRequest> GeminiEmbeddingsTranslator::buildRequest(const QJsonObject& request,
                                                                 const QString& upstreamModel) {
    if (!isValidModelName(upstreamModel))
        return ApiError::badRequest(
            QStringLiteral("'%1' is not a valid Gemini model name.").arg(upstreamModel),
            QStringLiteral("model"));
    Result<QStringList> inputs = parseInputs(request[u"input"]);
    if (!inputs) return inputs.error();
    Result<int> dimensions = parseDimensions(request[u"dimensions"]);
    if (!dimensions) return dimensions.error();
    Result<bool> base64 = parseBase64(request[u"encoding_format"]);
    if (!base64) return base64.error();

    m_model = upstreamModel;
    m_inputs = *inputs;
    m_base64 = *base64;
    QJsonArray requests;
    for (const QString& text : m_inputs)
        requests.append(embedRequest(modelResource(upstreamModel), text, *dimensions));

    UpstreamRequest upstream;
    upstream.url = methodUrl(m_provider.baseUrl, upstreamModel, QStringLiteral("batchEmbedContents"));
    upstream.headers = requestHeaders(m_provider);
    upstream.body = compactJson(QJsonObject{{"requests", requests}});
    return upstream;
}

Result<TranslatedBody> GeminiEmbeddingsTranslator::translateResponse(const QByteArray& body) {
    const QJsonObject response = QJsonDocument::fromJson(body).object();
    const QJsonArray embeddings = response[u"embeddings"].toArray();
    if (embeddings.isEmpty() || (!m_inputs.isEmpty() && embeddings.size() != m_inputs.size()))
        return ApiError::badGateway(
            QStringLiteral("Gemini returned %1 embeddings for %2 inputs.")
                .arg(embeddings.size())
                .arg(m_inputs.size()),
            QStringLiteral("upstream_invalid_response"));

    QJsonArray data;
    for (int i = 0; i < embeddings.size(); ++i) {
        const QJsonArray values = embeddings.at(i)[u"values"].toArray();
        data.append(QJsonObject{{"object", "embedding"},
                                {"index", i},
                                {"embedding", m_base64 ? QJsonValue(floatsToBase64(values))
                                                       : QJsonValue(values)}});
    }
    m_usage = Usage{};
    const QJsonValue reported = response[u"usageMetadata"][u"promptTokenCount"];
    m_usage.promptTokens = reported.isDouble() ? reported.toInteger() : estimateTokens(m_inputs);
    m_usage.completionTokens = 0;
    m_usage.estimated = !reported.isDouble();
    const QJsonObject out{{"object", "list"},
                          {"data", data},
                          {"model", m_model},
                          {"usage", QJsonObject{{"prompt_tokens", m_usage.promptTokens},
                                                {"total_tokens", m_usage.promptTokens}}}};
    return TranslatedBody{compactJson(out), m_usage};
}

ApiError GeminiEmbeddingsTranslator::translateError(int status, const QByteArray& body) const {
    return errorFromBody(status, body, m_provider.apiKey);
}

}  // namespace ar
