#pragma once

#include "providers/ProviderConfig.h"
#include "providers/Translator.h"
#include "providers/anthropic/AnthropicStreamState.h"

namespace ar {

// OpenAI chat.completions <-> Anthropic Messages (POST {baseUrl}/messages). One instance per
// request attempt: it holds the stream state.
class AnthropicChatTranslator final : public Translator {
public:
    explicit AnthropicChatTranslator(const ProviderConfig& provider);

    Result<UpstreamRequest> buildRequest(const QJsonObject& request,
                                         const QString& upstreamModel) override;
    Result<TranslatedBody> translateResponse(const QByteArray& body) override;
    Status translateEvent(const SseEvent& event, QList<QByteArray>& out) override;
    bool streamComplete() const override;
    Status finishStream(QList<QByteArray>& out) override;
    Usage usage() const override;
    ApiError translateError(int status, const QByteArray& body) const override;

private:
    QUrl messagesUrl() const;
    QList<std::pair<QByteArray, QByteArray>> headers(const QList<QByteArray>& betas) const;
    // Provider messages never contain our key, but a proxy in between might echo it.
    ApiError redacted(ApiError error) const;

    ProviderConfig m_provider;
    anthropic::StreamState m_stream{false};
    Usage m_usage;  // of the whole (non-stream) response
};

}  // namespace ar
