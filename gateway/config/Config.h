#pragma once

#include <QHostAddress>
#include <QJsonObject>
#include <QList>
#include <QString>

#include "http/HttpLimits.h"
#include "providers/ProviderConfig.h"
#include "routing/RetryPolicy.h"
#include "routing/Route.h"

namespace ar {

// "usage": the ledger and the gateway-wide budget; "prices": overrides of the built-in price
// catalog (same shape as resources/prices.json: "models", "embeddings", "images").
struct UsageSettings {
    bool ledger = true;             // "ledger": false turns the ledger off (benchmarks)
    qint64 budgetMicros = -1;       // "budget_usd"; -1: none
    QString budgetPeriod = QStringLiteral("month");  // "budget_period": day|week|month|total
    QJsonObject prices;             // the top-level "prices" section, validated
};

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
    RetryPolicy retry;
    int healthFailureThreshold = 3;  // consecutive failures that mark a provider down
    int healthCooldownMs = 30'000;   // how long it stays down before one trial request probes it
    int healthMaxCooldownMs = 300'000;  // a failed trial doubles the cool-down, up to this
    UsageSettings usage;

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
