#include "SecretCommands.h"

#include "CliSupport.h"

#include <QCommandLineParser>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QTextStream>
#include <cstdio>

#include "admin/AdminServices.h"
#include "admin/AdminToken.h"
#include "auth/KeyStore.h"
#include "common/Await.h"
#include "common/ReadSecret.h"
#include "config/Config.h"
#include "core/Gateway.h"
#include "keys/KeyService.h"
#include "secrets/FileSecretStore.h"
#include "secrets/KeychainSecretStore.h"
#include "secrets/SecretEntries.h"

namespace ar::app {

namespace {

void addOptions(QCommandLineParser& p) {
    addCommonOptions(p);
    p.addOption(
        {QStringLiteral("secrets-file"),
         QStringLiteral("Keep secrets in this 0600 file instead of the OS keychain (unencrypted)."),
         QStringLiteral("FILE")});
}

using cli::await;

}  // namespace

std::unique_ptr<SecretStore> openSecretStore(const QString& secretsFile) {
    if (!secretsFile.isEmpty()) {
        auto store = std::make_unique<FileSecretStore>(secretsFile);
        err(store->warning());
        return store;
    }
    return std::make_unique<KeychainSecretStore>(secretentry::kService);
}

QStringList loadGatewaySecrets(Gateway& gateway, SecretStore* store) {
    gateway.admin()->setSecretStore(store);
    return await<QStringList>(
        [&](QEventLoop*, auto done) { gateway.admin()->loadSecrets(gateway.config(), done); });
}

int runProviders(const QStringList& args) {
    QStringList rest = args;
    const QString sub = rest.isEmpty() ? QString() : rest.takeFirst();
    const QString usage = QStringLiteral(
        "Usage: agentrouter providers list | providers set-key ID (secret on stdin) | "
        "providers delete-key ID");
    if (sub != QLatin1String("list") && sub != QLatin1String("set-key") &&
        sub != QLatin1String("delete-key")) {
        err(usage);
        return 2;
    }
    QCommandLineParser p;
    addOptions(p);
    if (sub != QLatin1String("list"))
        p.addPositionalArgument(QStringLiteral("id"), QStringLiteral("Provider id."));
    if (!parse(p, QStringLiteral("providers ") + sub, rest)) return 2;

    QString path = p.value(QStringLiteral("config"));
    if (path.isEmpty()) path = defaultConfigPath();
    ConfigLoad load = loadConfigFile(path);
    if (!load.ok()) {
        for (const ConfigError& e : load.errors)
            err(QStringLiteral("config error: ") + e.toString());
        return 2;
    }
    std::unique_ptr<SecretStore> store = openSecretStore(p.value(QStringLiteral("secrets-file")));
    if (sub == QLatin1String("list")) {
        std::printf("%-16s %-18s %-10s %s\n", "ID", "TYPE", "CREDENTIAL", "SOURCE");
        for (const ProviderConfig& c : load.config.providers) {
            QString state = c.apiKey.isEmpty() ? QStringLiteral("not set") : QStringLiteral("set");
            if (c.credential == QLatin1String("keychain")) {
                auto r = await<Result<std::optional<QByteArray>>>([&](QEventLoop* loop, auto done) {
                    store->read(secretentry::provider(c.id), loop, done);
                });
                state = !r ? QStringLiteral("error") : r.value() ? QStringLiteral("set") : state;
                if (!r) err(QStringLiteral("%1: %2").arg(c.id, r.error().message));
            }
            const QString source = c.credential == QLatin1String("keychain")
                                       ? QStringLiteral("keychain (else $%1)").arg(c.apiKeyEnv)
                                       : QStringLiteral("$%1").arg(c.apiKeyEnv);
            std::printf(
                "%-16s %-18s %-10s %s\n", qPrintable(c.id), qPrintable(c.type), qPrintable(state),
                qPrintable(c.apiKeyEnv.isEmpty() && c.credential != QLatin1String("keychain")
                               ? QStringLiteral("-")
                               : source));
        }
        return 0;
    }
    if (p.positionalArguments().size() != 1) {
        err(usage);
        return 2;
    }
    const QString id = p.positionalArguments().first();
    const ProviderConfig* provider = load.config.provider(id);
    if (!provider) {
        err(QStringLiteral("agentrouter providers: no provider '%1' in %2").arg(id, path));
        return 2;
    }
    if (provider->credential != QLatin1String("keychain"))
        err(QStringLiteral("Note: provider '%1' is configured with \"credential\": \"env\"; add "
                           "\"credential\": "
                           "\"keychain\" to it in %2 for the gateway to use the keychain entry.")
                .arg(id, path));
    Status result = Ok{};
    if (sub == QLatin1String("set-key")) {
        const QByteArray secret =
            readSecret(QStringLiteral("Credential for provider '%1' (input hidden): ").arg(id));
        if (secret.isEmpty()) {
            err(QStringLiteral("agentrouter providers set-key: no credential on stdin"));
            return 2;
        }
        result = await<Status>([&](QEventLoop* loop, auto done) {
            store->write(secretentry::provider(id), secret, loop, done);
        });
    } else {
        result = await<Status>([&](QEventLoop* loop, auto done) {
            store->remove(secretentry::provider(id), loop, done);
        });
    }
    if (!result) {
        err(QStringLiteral("agentrouter providers %1: %2").arg(sub, result.error().message));
        err(QStringLiteral(
                "The provider can still take its credential from the environment variable %1%2.")
                .arg(provider->apiKeyEnv.isEmpty() ? QStringLiteral("named in api_key_env")
                                                   : provider->apiKeyEnv,
                     QStringLiteral(", or use --secrets-file FILE to keep secrets in a file")));
        return 1;
    }
    err(sub == QLatin1String("set-key")
            ? QStringLiteral("Stored the credential of '%1' in %2. A running gateway picks it up "
                             "on restart or "
                             "through PUT /admin/v1/providers/%1/credential.")
                  .arg(id, store->description())
            : QStringLiteral("Deleted the credential of '%1' from %2.")
                  .arg(id, store->description()));
    return 0;
}

bool isKeyAdminCommand(const QStringList& args) {
    return !args.isEmpty() &&
           (args.first() == QLatin1String("show") || args.first() == QLatin1String("update") ||
            args.first() == QLatin1String("rotate"));
}

int runKeyAdmin(const QStringList& args) {
    QStringList rest = args;
    const QString sub = rest.takeFirst();
    QCommandLineParser p;
    addOptions(p);
    p.addPositionalArgument(QStringLiteral("id"), QStringLiteral("Key id."));
    if (sub == QLatin1String("update"))
        p.addOption({QStringLiteral("policy"),
                     QStringLiteral("Policy fields to change, as JSON (null removes one)."),
                     QStringLiteral("JSON")});
    if (!parse(p, QStringLiteral("keys ") + sub, rest)) return 2;
    if (p.positionalArguments().size() != 1) {
        err(QStringLiteral(
            "Usage: agentrouter keys show ID | keys update ID --policy JSON | keys rotate ID"));
        return 2;
    }
    const QString id = p.positionalArguments().first();
    KeyStore store(keyStorePath(dataDir(p)));
    if (Status s = store.load(); !s) {
        err(s.error().message);
        return 1;
    }
    KeyService keys(store);
    auto print = [](const QJsonObject& o) {
        std::printf("%s", QJsonDocument(o).toJson(QJsonDocument::Indented).constData());
    };
    if (sub == QLatin1String("show")) {
        auto r = keys.show(id);
        if (!r) return err(r.error().message), 1;
        print(KeyService::toJson(*r));
        return 0;
    }
    if (sub == QLatin1String("update")) {
        const QJsonDocument doc =
            QJsonDocument::fromJson(p.value(QStringLiteral("policy")).toUtf8());
        if (!doc.isObject())
            return err(QStringLiteral("agentrouter keys update: --policy must be a JSON object")),
                   2;
        auto r = keys.updatePolicy(id, doc.object());
        if (!r) return err(r.error().message), r.error().status == 400 ? 2 : 1;
        print(KeyService::toJson(*r));
        return 0;
    }
    auto r = keys.rotate(id);
    if (!r) return err(r.error().message), 1;
    err(QStringLiteral("Rotated key '%1': the old secret no longer works. Copy the new one now: it "
                       "is shown only once.")
            .arg(id));
    std::printf("%s\n", qPrintable(r->secret));
    return 0;
}

Status rememberKeySecret(KeyService& keys, const IssuedKey& key, const QString& secretsFile) {
    std::unique_ptr<SecretStore> store = openSecretStore(secretsFile);
    keys.setSecretStore(store.get());
    const Status s = await<Status>([&](QEventLoop* loop, auto done) { keys.rememberSecret(key, loop, done); });
    keys.setSecretStore(nullptr);
    return s;
}

int runAdminToken(const QStringList& args) {
    QCommandLineParser p;
    addOptions(p);
    if (!parse(p, QStringLiteral("admin-token"), args)) return 2;
    std::unique_ptr<SecretStore> store = openSecretStore(p.value(QStringLiteral("secrets-file")));
    auto r = await<Result<std::optional<QByteArray>>>(
        [&](QEventLoop* loop, auto done) { store->read(secretentry::kAdminToken, loop, done); });
    if (!r) return err(QStringLiteral("agentrouter admin-token: %1").arg(r.error().message)), 1;
    QByteArray token = r.value().value_or(QByteArray());
    if (token.isEmpty()) {  // same as the gateway's first start
        token = AdminToken::generate();
        Status s = await<Status>([&](QEventLoop* loop, auto done) {
            store->write(secretentry::kAdminToken, token, loop, done);
        });
        if (!s) return err(QStringLiteral("agentrouter admin-token: %1").arg(s.error().message)), 1;
    }
    std::printf("%s\n", token.constData());
    return 0;
}

}  // namespace ar::app
