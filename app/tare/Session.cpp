#include "Session.h"

#include <QJsonDocument>

#include "Cli.h"

namespace ar::tare {

std::optional<Session> openSession(const Command& command, Logins& logins, int& exitCode) {
    auto gateway = chooseGateway(command, logins);
    if (!gateway) {
        exitCode = gateway.error().status == 400
                       ? usageError(command.name(), gateway.error().message)
                       : fail(gateway.error().message);
        return std::nullopt;
    }
    auto saved = logins.load(*gateway);
    if (!saved) {
        exitCode = fail(QStringLiteral("cannot read the sign-in for %1 from %2: %3")
                            .arg(*gateway, logins.where(), saved.error().message));
        return std::nullopt;
    }
    if (!saved.value()) {
        exitCode = fail(
            QStringLiteral("not signed in to %1. Run: tare api login --issuer %1").arg(*gateway));
        return std::nullopt;
    }
    const SavedLogin& login = *saved.value();
    if (login.expired(QDateTime::currentDateTimeUtc())) {
        exitCode = fail(QStringLiteral("the sign-in to %1 expired at %2. Run: tare api login "
                                       "--issuer %1")
                            .arg(*gateway, login.expiresAt.toUTC().toString(Qt::ISODate)));
        return std::nullopt;
    }
    return Session{*gateway, login};
}

HttpReply adminCall(const Session& session, const QByteArray& method, const QString& path,
                    const QJsonObject& body) {
    RequestHeaders headers{{"Authorization", "Bearer " + session.login.accessToken},
                           {"Accept", "application/json"}};
    QByteArray payload;
    if (method == "POST" || method == "PATCH" || method == "PUT") {
        payload = QJsonDocument(body).toJson(QJsonDocument::Compact);
        headers.append({QByteArray("Content-Type"), QByteArray("application/json")});
    }
    return httpCall(method, QUrl(session.gateway + QStringLiteral("/admin/v1") + path), payload,
                    headers);
}

int reportFailure(const Command& command, const Session& session, const HttpReply& reply) {
    if (reply.status == 401)
        return failIn(command.name(),
                      QStringLiteral("the gateway at %1 refused the saved sign-in (%2). Run: "
                                     "tare api login --issuer %1")
                          .arg(session.gateway, reply.errorMessage()));
    if (reply.status == 404 && reply.errorCode() == QLatin1String("unknown_url"))
        return failIn(command.name(),
                      QStringLiteral("the gateway at %1 does not offer this (%2); it may be an "
                                     "older agentrouter.")
                          .arg(session.gateway, reply.errorMessage()));
    return failIn(command.name(), reply.errorMessage());
}

}  // namespace ar::tare
