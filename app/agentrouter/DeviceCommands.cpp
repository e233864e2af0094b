#include "DeviceCommands.h"

#include <QCommandLineParser>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <cstdio>

#include "CliSupport.h"
#include "SecretCommands.h"
#include "common/HttpCall.h"
#include "common/LocalGateway.h"
#include "config/Config.h"
#include "secrets/SecretEntries.h"
#include "secrets/SecretStore.h"

namespace ar::app {

namespace {

// The running gateway's origin: --url, else the bind address and port of the config.
QString gatewayOrigin(const QCommandLineParser& p) {
    if (p.isSet(QStringLiteral("url"))) return p.value(QStringLiteral("url"));
    return cli::localGatewayOrigin(p.value(QStringLiteral("config")));
}

}  // namespace

int runDeviceDecision(const QString& command, const QStringList& args) {
    QCommandLineParser p;
    addCommonOptions(p);
    p.addPositionalArgument(QStringLiteral("code"),
                            QStringLiteral("The code the program asking for access shows."));
    p.addOption({QStringLiteral("url"),
                 QStringLiteral("The gateway (default: from the config, http://127.0.0.1:8787)."),
                 QStringLiteral("URL")});
    p.addOption({QStringLiteral("secrets-file"),
                 QStringLiteral("Read the admin token from this file instead of the keychain."),
                 QStringLiteral("FILE")});
    if (!parse(p, command, args)) return 2;
    if (p.positionalArguments().size() != 1) {
        err(QStringLiteral("Usage: agentrouter %1 CODE [--url URL]").arg(command));
        return 2;
    }
    const QString code = p.positionalArguments().first();
    std::unique_ptr<SecretStore> store = openSecretStore(p.value(QStringLiteral("secrets-file")));
    std::optional<Result<std::optional<QByteArray>>> token;
    {
        QEventLoop loop;
        store->read(secretentry::kAdminToken, &loop, [&](Result<std::optional<QByteArray>> r) {
            token.emplace(std::move(r));
            loop.quit();
        });
        if (!token) loop.exec();
    }
    if (!token->ok()) {
        err(QStringLiteral("agentrouter %1: cannot read the admin token: %2")
                .arg(command, token->error().message));
        return 1;
    }
    if (!token->value()) {
        err(QStringLiteral("agentrouter %1: no admin token in %2 yet; start the gateway first.")
                .arg(command, store->description()));
        return 1;
    }
    const QString origin = gatewayOrigin(p);
    const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("user_code"), code}})
                                .toJson(QJsonDocument::Compact);
    const HttpReply reply = httpCall(
        "POST", QUrl(origin + QStringLiteral("/admin/v1/device/") + command), body,
        {{"Authorization", "Bearer " + *token->value()}, {"Content-Type", "application/json"}});
    if (!reply.ok()) {
        err(QStringLiteral("agentrouter %1: %2").arg(command, reply.errorMessage()));
        return 1;
    }
    const QJsonObject r = reply.json();
    std::printf(
        "%s code %s: %s may %s.\n", command == QLatin1String("approve") ? "Approved" : "Denied",
        qPrintable(r.value(QStringLiteral("user_code")).toString()),
        qPrintable(r.value(QStringLiteral("client_id")).toString()),
        command == QLatin1String("approve") ? "now use the admin API" : "not use the admin API");
    return 0;
}

}  // namespace ar::app
