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

    void setClientBody(const QByteArray& body) override { m_clientBody = body; }
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

    ProviderConfig m_provider;
    Endpoint m_endpoint;
    QByteArray m_clientBody;
    bool m_clientWantsUsage = false;
    bool m_done = false;
    Usage m_usage;
};

}  // namespace ar
