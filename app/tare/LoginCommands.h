#pragma once

#include <QStringList>

namespace ar::tare {

// tare api login | whoami | logout: the OAuth 2.0 device authorization grant (RFC 8628) against
// any issuer found through OpenID discovery, the saved sign-in, and signing out (RFC 7009
// revocation where the issuer offers it).
int runLogin(const QStringList& args);
int runWhoami(const QStringList& args);
int runLogout(const QStringList& args);

}  // namespace ar::tare
