#include "usage/UsageEstimator.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace ar::usage_estimate {

namespace {

constexpr qint64 kCharsPerToken = 4;
constexpr qint64 kTokensPerMessage = 4;  // role and separators

qint64 textChars(const QJsonValue& v) {
    if (v.isString()) return v.toString().size();
    qint64 n = 0;
    if (v.isArray()) {
        for (const QJsonValue& part : v.toArray()) {
            if (part.isString()) n += part.toString().size();
            else if (part.isDouble()) n += kCharsPerToken;  // a pre-tokenized input: one token each
            else n += textChars(part.toObject().value(QStringLiteral("text")));
        }
    }
    return n;
}

qint64 choiceChars(const QJsonObject& o) {
    qint64 n = 0;
    for (const char* field : {"content", "reasoning_content", "refusal"})
        n += textChars(o.value(QLatin1String(field)));
    for (const QJsonValue& call : o.value(QStringLiteral("tool_calls")).toArray()) {
        const QJsonObject fn = call.toObject().value(QStringLiteral("function")).toObject();
        n += fn.value(QStringLiteral("name")).toString().size() +
             fn.value(QStringLiteral("arguments")).toString().size();
    }
    return n;
}

}  // namespace

qint64 tokensForChars(qint64 chars) { return chars <= 0 ? 0 : (chars + kCharsPerToken - 1) / kCharsPerToken; }

qint64 promptTokens(Endpoint endpoint, const QJsonObject& request) {
    switch (endpoint) {
        case Endpoint::ChatCompletions: {
            qint64 tokens = 0;
            for (const QJsonValue& m : request.value(QStringLiteral("messages")).toArray())
                tokens += kTokensPerMessage + tokensForChars(choiceChars(m.toObject()));
            return tokens;
        }
        case Endpoint::Embeddings:
            return tokensForChars(textChars(request.value(QStringLiteral("input"))));
        case Endpoint::ImageGenerations:
            return tokensForChars(request.value(QStringLiteral("prompt")).toString().size());
    }
    return 0;
}

qint64 generatedChars(const QByteArray& openAiJson) {
    const QJsonObject o = QJsonDocument::fromJson(openAiJson).object();
    qint64 n = 0;
    for (const QJsonValue& c : o.value(QStringLiteral("choices")).toArray()) {
        const QJsonObject choice = c.toObject();
        n += choiceChars(choice.value(choice.contains(QStringLiteral("delta")) ? QStringLiteral("delta")
                                                                               : QStringLiteral("message"))
                             .toObject());
    }
    return n;
}

}  // namespace ar::usage_estimate
