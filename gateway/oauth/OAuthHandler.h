#pragma once

#include "http/HttpRequest.h"

namespace ar {

class HttpResponder;
struct GatewayContext;

// The gateway as an OAuth 2.0 authorization server for its own admin API (RFC 8628 device
// grant, the way `tare api login` signs in):
//   GET  /.well-known/openid-configuration (and /.well-known/oauth-authorization-server)
//   POST /oauth/device_authorization   client_id, scope -> device_code, user_code, ...
//   POST /oauth/token                  grant_type=urn:ietf:params:oauth:grant-type:device_code
//   GET  /oauth/userinfo               bearer access token -> who it is and until when
//   POST /oauth/revoke                 RFC 7009
//   GET  /oauth/device                 the verification URI: says where to approve the code
// Requests are form-encoded and errors have RFC 6749's shape {"error","error_description"}.
// Same guard as the admin API (loopback peer and Host), since a token opens that API; the
// issuer is "http://" + the Host the client used, so discovery matches what it asked for.
class OAuthHandler {
public:
    explicit OAuthHandler(GatewayContext& context);

    static bool handles(QByteArrayView path);
    void handle(const HttpRequest& request, HttpResponder* responder);

private:
    void discovery(const HttpRequest& request, HttpResponder* responder);
    void deviceAuthorization(const HttpRequest& request, HttpResponder* responder);
    void token(const HttpRequest& request, HttpResponder* responder);
    void userInfo(const HttpRequest& request, HttpResponder* responder);
    void revoke(const HttpRequest& request, HttpResponder* responder);

    GatewayContext& m_context;
};

}  // namespace ar
