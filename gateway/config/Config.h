#pragma once

#include <QHostAddress>
#include <QList>
#include <QString>

#include "http/HttpLimits.h"
#include "providers/ProviderConfig.h"
#include "routing/Route.h"

namespace ar {

struct ServerSettings {
    QString bind = QStringLiteral("127.0.0.1");
    int port = 8787;
    int workers = 0;  // 0: one per core
    HttpLimits limits;
};

// The gateway configuration: providers, routes and settings. Never holds a credential read
// from disk: credentials come from the environment (or the keychain) at load time.
struct Config {
    ServerSettings server;
    QList<ProviderConfig> providers;
    QList<Route> routes;

    const ProviderConfig* provider(const QString& id) const;
};

// A config problem, phrased for the user: which file, which field, what is wrong.
struct ConfigError {
    QString file;
    QString field;
    QString message;
    QString toString() const;
};

struct ConfigLoad {
    Config config;
    QList<ConfigError> errors;
    bool ok() const { return errors.isEmpty(); }
};

// Parses and validates a config document. `file` is only used in messages.
ConfigLoad parseConfig(const QByteArray& json, const QString& file);
ConfigLoad loadConfigFile(const QString& path);

// Standard per-user locations (QStandardPaths).
QString defaultConfigPath();
QString defaultDataDir();

}  // namespace ar
