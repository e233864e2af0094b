#include "Commands.h"

#include "CliSupport.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QSocketNotifier>
#include <csignal>
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>

#include "auth/KeyStore.h"
#include "core/Gateway.h"
#include "secrets/SecretStore.h"
#include "SecretCommands.h"
#include "events/AccessLog.h"
#include "keys/KeyService.h"
#include "usage/KeyPolicy.h"

namespace ar::app {

namespace {

// Loads the config: the named file (must exist), else the default file if present, else
// built-in defaults. Returns false after printing every problem.
bool loadConfig(const QCommandLineParser& p, Config& out) {
    QString path = p.value(QStringLiteral("config"));
    const bool explicitPath = !path.isEmpty();
    if (!explicitPath) path = defaultConfigPath();
    if (!explicitPath && !QFile::exists(path)) {
        err(QStringLiteral("No config at %1: running with no providers. See resources/config.example.json.").arg(path));
        return true;
    }
    ConfigLoad load = loadConfigFile(path);
    if (!load.ok()) {
        for (const ConfigError& e : load.errors) err(QStringLiteral("config error: ") + e.toString());
        return false;
    }
    out = std::move(load.config);
    return true;
}


int g_signalPipe[2] = {-1, -1};

void onSignal(int) {
    const char c = 1;
    (void)!::write(g_signalPipe[1], &c, 1);
}

// SIGINT/SIGTERM quit the event loop cleanly (self-pipe: nothing unsafe in the handler).
void installQuitSignals() {
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalPipe) != 0) return;
    auto* notifier = new QSocketNotifier(g_signalPipe[0], QSocketNotifier::Read, qApp);
    QObject::connect(notifier, &QSocketNotifier::activated, qApp, [] { QCoreApplication::quit(); });
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
}

}  // namespace

void printUsage() {
    std::fputs(
        "Usage: agentrouter <command> [options]\n"
        "\n"
        "Commands:\n"
        "  serve                 Run the gateway headless (no display needed)\n"
        "      --config FILE     Config file (providers, routes, settings)\n"
        "      --bind ADDRESS    Listen address (default 127.0.0.1)\n"
        "      --port N          Listen port (0 picks a free one and prints the URL)\n"
        "  keys create --name N  Mint a gateway key; the secret is printed once\n"
        "  keys list             List keys (ids and names, never secrets)\n"
        "  keys revoke ID        Revoke a key\n"
        "  keys show ID | keys update ID --policy JSON | keys rotate ID\n"
        "  providers list        Providers and where their credentials come from\n"
        "  providers set-key ID  Store a provider's credential (read from stdin) in the keychain\n"
        "  providers delete-key ID\n"
        "  admin-token           Print the admin API token (kept in the keychain)\n"
        "  approve CODE | deny CODE\n"
        "                        Decide a sign-in (tare api login) on the running gateway\n"
        "      --secrets-file F  Opt-in: keep secrets in a 0600 file instead of the keychain\n"
        "  --version             Print the version\n"
        "\n"
        "Every command takes --config FILE and --data-dir DIR; --help shows details.\n",
        stdout);
}

int runServe(const QStringList& args) {
    QCommandLineParser p;
    addCommonOptions(p);
    p.addOption({QStringLiteral("bind"), QStringLiteral("Listen address."), QStringLiteral("ADDRESS")});
    p.addOption({QStringLiteral("port"), QStringLiteral("Listen port (0: any free port)."), QStringLiteral("N")});
    p.addOption({QStringLiteral("secrets-file"),
                 QStringLiteral("Keep secrets in this 0600 file instead of the OS keychain (unencrypted)."),
                 QStringLiteral("FILE")});
    if (!parse(p, QStringLiteral("serve"), args)) return 2;
    Config config;
    if (!loadConfig(p, config)) return 2;
    if (p.isSet(QStringLiteral("bind"))) {
        config.server.bind = p.value(QStringLiteral("bind"));
        if (QHostAddress(config.server.bind).isNull() && config.server.bind != QLatin1String("localhost")) {
            err(QStringLiteral("agentrouter serve: --bind: '%1' is not an IP address").arg(config.server.bind));
            return 2;
        }
    }
    if (p.isSet(QStringLiteral("port"))) {
        bool ok = false;
        const int port = p.value(QStringLiteral("port")).toInt(&ok);
        if (!ok || port < 0 || port > 65535) {
            err(QStringLiteral("agentrouter serve: --port: '%1' is not a port number (0-65535)")
                    .arg(p.value(QStringLiteral("port"))));
            return 2;
        }
        config.server.port = port;
    }

    Gateway gateway(config, dataDir(p));
    QFile errFile;
    (void)errFile.open(stderr, QIODevice::WriteOnly | QIODevice::Unbuffered);
    AccessLog accessLog(gateway.events(), &errFile);
    // Keychain-held provider credentials and the admin token, before the first request.
    std::unique_ptr<SecretStore> secrets = openSecretStore(p.value(QStringLiteral("secrets-file")));
    for (const QString& warning : loadGatewaySecrets(gateway, secrets.get())) err(warning);
    if (Status s = gateway.start(); !s) {
        err(QStringLiteral("agentrouter serve: %1").arg(s.error().message));
        return 1;
    }
    if (gateway.keys()->list().isEmpty())
        err(QStringLiteral("No gateway keys yet: mint one with `agentrouter keys create --name NAME`."));
    std::printf("Agent Router gateway listening on %s\n", qPrintable(gateway.baseUrl()));
    std::fflush(stdout);
    installQuitSignals();
    const int rc = QCoreApplication::exec();
    gateway.stop();
    return rc;
}

int runKeys(const QStringList& args) {
    QStringList rest = args;
    const QString sub = rest.isEmpty() ? QString() : rest.takeFirst();
    QCommandLineParser p;
    addCommonOptions(p);
    if (sub == QLatin1String("create")) {
        p.addOption({QStringLiteral("name"), QStringLiteral("Name of the key."), QStringLiteral("NAME")});
        // The key's policy (see usage/KeyPolicy.h).
        p.addOption({QStringLiteral("models"), QStringLiteral("Allowed models, comma-separated; * and ? match."), QStringLiteral("LIST")});
        p.addOption({QStringLiteral("budget"), QStringLiteral("Budget in USD per period."), QStringLiteral("USD")});
        p.addOption({QStringLiteral("period"), QStringLiteral("Budget period: day, week, month (default) or total."), QStringLiteral("PERIOD")});
        p.addOption({QStringLiteral("rpm"), QStringLiteral("Requests per minute."), QStringLiteral("N")});
        p.addOption({QStringLiteral("tpm"), QStringLiteral("Tokens per minute."), QStringLiteral("N")});
        p.addOption({QStringLiteral("max-concurrent"), QStringLiteral("Concurrent requests."), QStringLiteral("N")});
        p.addOption({QStringLiteral("expires"), QStringLiteral("Expiry, ISO 8601 (2026-12-31T00:00:00Z)."), QStringLiteral("TIME")});
        p.addOption({QStringLiteral("keep-in-keychain"),
                     QStringLiteral("Also keep the key in the OS keychain, so the window can copy it again.")});
        p.addOption({QStringLiteral("secrets-file"),
                     QStringLiteral("With --keep-in-keychain: this 0600 file instead of the OS keychain (unencrypted)."),
                     QStringLiteral("FILE")});
    } else
        p.addPositionalArgument(QStringLiteral("id"), QStringLiteral("Key id."));
    if (sub != QLatin1String("create") && sub != QLatin1String("list") && sub != QLatin1String("revoke")) {
        err(QStringLiteral("Usage: agentrouter keys create --name NAME | keys list | keys revoke ID"));
        return 2;
    }
    if (!parse(p, QStringLiteral("keys ") + sub, rest)) return 2;
    KeyStore store(keyStorePath(dataDir(p)));
    if (Status s = store.load(); !s) {
        err(s.error().message);
        return 1;
    }
    if (sub == QLatin1String("create")) {
        const QString name = p.value(QStringLiteral("name"));
        if (name.trimmed().isEmpty()) {
            err(QStringLiteral("agentrouter keys create: --name NAME is required"));
            return 2;
        }
        QHash<QString, QString> flags;
        for (const char* f : {"models", "budget", "period", "rpm", "tpm", "max-concurrent", "expires"})
            flags.insert(QLatin1String(f), p.value(QLatin1String(f)));
        const auto policy = keyPolicyFromFlags(flags);
        if (!policy) {
            err(QStringLiteral("agentrouter keys create: %1").arg(policy.error().message));
            return 2;
        }
        KeyService keys(store);
        auto key = keys.create(name, policy.value());
        if (!key) {
            err(key.error().message);
            return key.error().status == 400 ? 2 : 1;
        }
        if (!p.isSet(QStringLiteral("keep-in-keychain"))) {
            err(QStringLiteral("Created key '%1'. Copy it now: it is shown only once.").arg(name));
            std::printf("%s\n", qPrintable(key->secret));
            return 0;
        }
        const Status kept = rememberKeySecret(keys, *key, p.value(QStringLiteral("secrets-file")));
        std::printf("%s\n", qPrintable(key->secret));  // the key exists either way: never lose it
        if (!kept) {
            err(QStringLiteral("Created key '%1', but could not keep a copy in the keychain: %2 "
                               "Copy it now: it is shown only once.").arg(name, kept.error().message));
            return 1;
        }
        err(QStringLiteral("Created key '%1' and kept a copy in the keychain.").arg(name));
        return 0;
    }
    if (sub == QLatin1String("list")) {
        std::printf("%-14s %-20s %-22s %s\n", "ID", "NAME", "CREATED", "STATUS");
        for (const KeyRecord& r : store.list())
            std::printf("%-14s %-20s %-22s %s\n", qPrintable(r.id), qPrintable(r.name),
                        qPrintable(r.createdAt.toString(Qt::ISODate)), r.revoked ? "revoked" : "active");
        return 0;
    }
    if (p.positionalArguments().size() != 1) {
        err(QStringLiteral("Usage: agentrouter keys revoke ID"));
        return 2;
    }
    if (Status s = store.revoke(p.positionalArguments().first()); !s) {
        err(s.error().message);
        return 1;
    }
    std::printf("Revoked %s\n", qPrintable(p.positionalArguments().first()));
    return 0;
}

}  // namespace ar::app
