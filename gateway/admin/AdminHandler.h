#pragma once

#include <QJsonObject>
#include <functional>

#include "http/HttpRequest.h"

namespace ar {

class AdminServices;
class HttpResponder;
struct ApiError;
struct GatewayContext;

// /admin/v1/...: keys (CRUD, rotate, keychain copy), provider credentials, routes, settings,
// usage queries (see UsageEndpoint.h).
// Guarded in this order: the peer must be loopback and the Host header a loopback name
// (DNS rebinding) -> 403; the admin API must be on (token in the secret store) -> 503; the
// bearer token must match -> 401. No CORS headers, so browsers cannot call it cross-origin.
// Runs on a worker thread; keychain work is posted to the AdminServices thread and the answer
// posted back.
class AdminHandler {
public:
    explicit AdminHandler(GatewayContext& context);

    void handle(HttpRequest&& request, HttpResponder* responder);

    // "127.0.0.1[:port]", "localhost[:port]", "[::1][:port]" only.
    static bool isLoopbackHost(QByteArrayView host);
    // 127.0.0.0/8, ::1, or ::ffff:127.x.y.z.
    static bool isLoopbackPeer(const QByteArray& peer);

private:
    using Reply = std::function<void(int status, const QJsonObject& body)>;

    void route(const HttpRequest& request, const QList<QByteArray>& parts,
               HttpResponder* responder);
    void keys(const HttpRequest& request, const QList<QByteArray>& parts, HttpResponder* responder);
    // Ledger queries run on the gateway's background pool so this worker keeps proxying meanwhile.
    void usage(const HttpRequest& request, const QList<QByteArray>& parts, HttpResponder* responder);
    void providers(const HttpRequest& request, const QList<QByteArray>& parts,
                   HttpResponder* responder);
    void device(const HttpRequest& request, const QList<QByteArray>& parts,
                HttpResponder* responder);
    // Runs `work` in the AdminServices thread; its reply is sent by this worker thread.
    void onServicesThread(HttpResponder* responder,
                          std::function<void(AdminServices&, Reply)> work);

    GatewayContext& m_context;
};

}  // namespace ar
