#pragma once

#include "providers/ProviderConfig.h"
#include "providers/Translator.h"

namespace ar {

// OpenAI schema in, OpenAI schema out: OpenAI itself, Azure OpenAI and every OpenAI-compatible
// server. Bodies are forwarded as received whenever nothing needs changing, and stream
// chunks are passed through byte for byte; only the usage chunk the gateway asked for on
// the client's behalf is hidden from a client that did not ask for it.
class OpenAiTranslator final : public Translator {
public:
    OpenAiTranslator(const ProviderConfig& provider, Endpoint endpoint);

    // Forwards the client's bytes when nothing needs changing, without parsing them.
    Result<UpstreamRequest> translateRequest(const ClientRequest& request,
                                             const QString& upstreamModel) override;
    Result<UpstreamRequest> buildRequest(const QJsonObject& request,
                                         const QString& upstreamModel) override;
    Result<TranslatedBody> translateResponse(const QByteArray& body) override;
    Status translateEvent(const SseEvent& event, QList<QByteArray>& out) override;
    bool streamComplete() const override { return m_done; }
    Status finishStream(QList<QByteArray>& out) override;
    Usage usage() const override { return m_usage; }
    ApiError translateError(int status, const QByteArray& body) const override;

    // OpenAI usage object -> Usage (shared with other OpenAI-format parsers).
    // An OpenAI "usage" object (its raw JSON text) in our terms.
    static Usage parseUsage(QByteArrayView usageJson);

private:
    QUrl endpointUrl(const QString& upstreamModel) const;
    // Address and headers of a request; the body is the caller's.
    UpstreamRequest requestHead(const QString& upstreamModel, bool stream) const;

    ProviderConfig m_provider;
    Endpoint m_endpoint;
    bool m_clientWantsUsage = false;
    bool m_done = false;
    Usage m_usage;
};

}  // namespace ar
