#pragma once

#include <QString>
#include <QStringList>

#include "providers/ProviderConfig.h"
#include "providers/Translator.h"

namespace ar {

// OpenAI /v1/embeddings <-> Gemini v1beta models/{m}:batchEmbedContents. A single string
// input goes through the batch endpoint too, so there is one code path. Usage is Gemini's
// usageMetadata.promptTokenCount; models that report none get an estimate (ceil(chars / 4)
// per input), marked estimated.
class GeminiEmbeddingsTranslator final : public Translator {
public:
    explicit GeminiEmbeddingsTranslator(const ProviderConfig& provider);

    Result<UpstreamRequest> buildRequest(const QJsonObject& request,
                                         const QString& upstreamModel) override;
    Result<TranslatedBody> translateResponse(const QByteArray& body) override;
    // Embeddings never stream.
    Status translateEvent(const SseEvent&, QList<QByteArray>&) override { return Ok{}; }
    bool streamComplete() const override { return true; }
    Status finishStream(QList<QByteArray>&) override { return Ok{}; }
    Usage usage() const override { return m_usage; }
    ApiError translateError(int status, const QByteArray& body) const override;

    // Gemini rejects batches of more than 100 requests; we say so before sending.
    static constexpr int kMaxInputs = 100;

private:
    ProviderConfig m_provider;
    QString m_model;
    QStringList m_inputs;
    bool m_base64 = false;
    Usage m_usage;
};

}  // namespace ar
