#pragma once

#include <QJsonObject>
#include <optional>

#include "Logins.h"
#include "common/HttpCall.h"

namespace ar::tare {

using app::formEncode;
using app::httpCall;
using app::HttpReply;
using app::RequestHeaders;

// A signed-in gateway: where, and with which saved login. What every admin command starts from.
struct Session {
    QString gateway;
    SavedLogin login;
};

// The gateway the command names (see chooseGateway) and its saved login. On failure it has
// printed why and sets `exitCode` (2 for a bad --url, 1 when not signed in or expired).
std::optional<Session> openSession(const Command& command, Logins& logins, int& exitCode);

// One call to the admin API ("/admin/v1" + path) with the saved access token.
HttpReply adminCall(const Session& session, const QByteArray& method, const QString& path,
                    const QJsonObject& body = {});

// Explains a failed call on stderr (a refused token says how to sign in again); returns 1.
int reportFailure(const Command& command, const Session& session, const HttpReply& reply);

}  // namespace ar::tare
