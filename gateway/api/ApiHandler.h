#pragma once

#include "http/RequestHandler.h"
#include "providers/Translator.h"

namespace ar {

class UpstreamPool;
struct GatewayContext;
struct ApiError;
struct KeyRecord;

// Routes requests to the OpenAI-compatible API: authentication, validation and routing,
// then hands /v1 calls to a ProxyExchange. One instance per worker thread.
class ApiHandler final : public RequestHandler {
public:
    explicit ApiHandler(GatewayContext& context);
    ~ApiHandler() override;

    void handle(HttpRequest&& request, HttpResponder* responder) override;

private:
    void proxy(Endpoint endpoint, HttpRequest&& request, HttpResponder* responder,
               const KeyRecord& key);
    // Refusals are ledgered too: with the key and, once the body was read, the model asked for.
    void reply(HttpResponder* responder, const HttpRequest& request, const ApiError& error,
               const QString& keyId = {}, const QString& model = {});
    void metrics(const HttpRequest& request, HttpResponder* responder);
    void replyJson(HttpResponder* responder, const HttpRequest& request, const QByteArray& body,
                   const QString& keyId);

    GatewayContext& m_context;
    UpstreamPool* m_pool;  // this thread's connections
};

}  // namespace ar
