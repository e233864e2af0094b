#include "config/Config.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QStandardPaths>

#include "providers/ProviderPresets.h"
#include "usage/KeyPolicy.h"
#include "usage/PriceCatalog.h"

namespace ar {

const ProviderConfig* Config::provider(const QString& id) const {
    for (const ProviderConfig& p : providers)
        if (p.id == id) return &p;
    return nullptr;
}

QString ConfigError::toString() const {
    return field.isEmpty() ? QStringLiteral("%1: %2").arg(file, message)
                           : QStringLiteral("%1: %2: %3").arg(file, field, message);
}

namespace {

// Reads typed fields and records a precise error for each one that is wrong.
class Reader {
public:
    Reader(QString file, QList<ConfigError>& errors) : m_file(std::move(file)), m_errors(errors) {}

    void error(const QString& field, const QString& message) {
        m_errors.append({m_file, field, message});
    }

    QString string(const QJsonObject& o, const QString& key, const QString& path,
                   const QString& fallback, bool required = false) {
        const QJsonValue v = o.value(key);
        if (v.isUndefined() || v.isNull()) {
            if (required) error(path + key, QStringLiteral("is required"));
            return fallback;
        }
        if (!v.isString() || (required && v.toString().trimmed().isEmpty())) {
            error(path + key, QStringLiteral("must be a non-empty string"));
            return fallback;
        }
        return v.toString();
    }

    qint64 integer(const QJsonObject& o, const QString& key, const QString& path, qint64 fallback,
                   qint64 min, qint64 max) {
        const QJsonValue v = o.value(key);
        if (v.isUndefined() || v.isNull()) return fallback;
        const double d = v.toDouble(-1e300);
        if (!v.isDouble() || d != double(qint64(d)) || d < double(min) || d > double(max)) {
            error(path + key, QStringLiteral("must be an integer from %1 to %2").arg(min).arg(max));
            return fallback;
        }
        return qint64(d);
    }

private:
    QString m_file;
    QList<ConfigError>& m_errors;
};

void parseServer(Reader& r, const QJsonObject& o, ServerSettings& s) {
    const QString p = QStringLiteral("server.");
    s.bind = r.string(o, QStringLiteral("bind"), p, s.bind);
    if (QHostAddress(s.bind).isNull() && s.bind != QLatin1String("localhost"))
        r.error(p + QStringLiteral("bind"), QStringLiteral("'%1' is not an IP address").arg(s.bind));
    s.port = int(r.integer(o, QStringLiteral("port"), p, s.port, 0, 65535));
    s.workers = int(r.integer(o, QStringLiteral("workers"), p, s.workers, 0, 256));
    HttpLimits& l = s.limits;
    l.maxHeaderBytes = r.integer(o, QStringLiteral("max_header_bytes"), p, l.maxHeaderBytes, 1024, 1 << 24);
    l.maxBodyBytes = r.integer(o, QStringLiteral("max_body_bytes"), p, l.maxBodyBytes, 1024, qint64(1) << 32);
    l.idleTimeoutMs = int(r.integer(o, QStringLiteral("idle_timeout_ms"), p, l.idleTimeoutMs, 10, 3'600'000));
    l.requestTimeoutMs = int(r.integer(o, QStringLiteral("request_timeout_ms"), p, l.requestTimeoutMs, 10, 3'600'000));
    l.maxConnections = int(r.integer(o, QStringLiteral("max_connections"), p, l.maxConnections, 1, 1'000'000));
}

void parseProviders(Reader& r, const QJsonValue& value, QList<ProviderConfig>& out) {
    if (value.isUndefined()) return;
    if (!value.isArray()) {
        r.error(QStringLiteral("providers"), QStringLiteral("must be an array"));
        return;
    }
    QSet<QString> ids;
    const QJsonArray arr = value.toArray();
    for (qsizetype i = 0; i < arr.size(); ++i) {
        const QString p = QStringLiteral("providers[%1].").arg(i);
        if (!arr[i].isObject()) {
            r.error(p.chopped(1), QStringLiteral("must be an object"));
            continue;
        }
        const QJsonObject o = arr[i].toObject();
        ProviderConfig c;
        c.id = r.string(o, QStringLiteral("id"), p, {}, true);
        if (!c.id.isEmpty() && ids.contains(c.id))
            r.error(p + QStringLiteral("id"), QStringLiteral("'%1' is used twice").arg(c.id));
        ids.insert(c.id);
        c.type = r.string(o, QStringLiteral("type"), p, QStringLiteral("openai-compatible"));
        const ProviderPreset* preset = findProviderPreset(c.type);
        if (!preset) {
            r.error(p + QStringLiteral("type"), QStringLiteral("unknown type '%1' (known: %2)")
                                                    .arg(c.type, providerTypes().join(QStringLiteral(", "))));
            continue;
        }
        const QString base = r.string(o, QStringLiteral("base_url"), p, QString::fromLatin1(preset->defaultBaseUrl));
        c.baseUrl = QUrl(base);
        if (base.isEmpty())
            r.error(p + QStringLiteral("base_url"), QStringLiteral("is required for type '%1'").arg(c.type));
        else if (!c.baseUrl.isValid() || c.baseUrl.host().isEmpty() ||
                 (c.baseUrl.scheme() != QLatin1String("http") && c.baseUrl.scheme() != QLatin1String("https")))
            r.error(p + QStringLiteral("base_url"), QStringLiteral("'%1' is not an http(s) URL").arg(base));
        while (c.baseUrl.path().endsWith(QLatin1Char('/')))
            c.baseUrl.setPath(c.baseUrl.path().chopped(1));
        if (o.contains(QStringLiteral("api_key")))
            r.error(p + QStringLiteral("api_key"),
                    QStringLiteral("credentials are never stored in the config file; name an "
                                   "environment variable in api_key_env or use the keychain"));
        c.apiKeyEnv = r.string(o, QStringLiteral("api_key_env"), p, QString::fromLatin1(preset->defaultKeyEnv));
        if (!c.apiKeyEnv.isEmpty()) c.apiKey = qEnvironmentVariable(c.apiKeyEnv.toUtf8().constData());
        c.credential = r.string(o, QStringLiteral("credential"), p, c.credential);
        if (c.credential != QLatin1String("env") && c.credential != QLatin1String("keychain"))
            r.error(p + QStringLiteral("credential"),
                    QStringLiteral("must be \"env\" (api_key_env) or \"keychain\" (set it with "
                                   "`agentrouter providers set-key %1`)").arg(c.id));
        c.apiVersion = r.string(o, QStringLiteral("api_version"), p, {});
        c.caFile = r.string(o, QStringLiteral("ca_file"), p, {});
        if (!c.caFile.isEmpty() && !QFile::exists(c.caFile))
            r.error(p + QStringLiteral("ca_file"), QStringLiteral("'%1' does not exist").arg(c.caFile));
        c.timeoutMs = int(r.integer(o, QStringLiteral("timeout_ms"), p, c.timeoutMs, 100, 3'600'000));
        c.streamIdleTimeoutMs = int(r.integer(o, QStringLiteral("stream_idle_timeout_ms"), p, 0, 0, 3'600'000));
        const QJsonValue headers = o.value(QStringLiteral("headers"));
        if (headers.isObject()) {
            const QJsonObject h = headers.toObject();
            for (auto it = h.begin(); it != h.end(); ++it)
                c.extraHeaders.append({it.key().toUtf8(), it.value().toString().toUtf8()});
        } else if (!headers.isUndefined()) {
            r.error(p + QStringLiteral("headers"), QStringLiteral("must be an object of strings"));
        }
        out.append(c);
    }
}

void parseRoutes(Reader& r, const QJsonValue& value, const QList<ProviderConfig>& providers,
                 QList<Route>& out) {
    if (value.isUndefined()) return;
    if (!value.isArray()) {
        r.error(QStringLiteral("routes"), QStringLiteral("must be an array"));
        return;
    }
    QSet<QString> providerIds;
    for (const ProviderConfig& p : providers) providerIds.insert(p.id);
    const QJsonArray arr = value.toArray();
    for (qsizetype i = 0; i < arr.size(); ++i) {
        const QString p = QStringLiteral("routes[%1].").arg(i);
        const QJsonObject o = arr[i].toObject();
        Route route;
        route.model = r.string(o, QStringLiteral("model"), p, {}, true);
        const QJsonValue targets = o.value(QStringLiteral("targets"));
        if (!targets.isArray() || targets.toArray().isEmpty()) {
            r.error(p + QStringLiteral("targets"), QStringLiteral("must be a non-empty array"));
            continue;
        }
        const QJsonArray ta = targets.toArray();
        for (qsizetype j = 0; j < ta.size(); ++j) {
            const QString tp = p + QStringLiteral("targets[%1].").arg(j);
            const QJsonObject t = ta[j].toObject();
            RouteTarget target;
            target.providerId = r.string(t, QStringLiteral("provider"), tp, {}, true);
            if (!target.providerId.isEmpty() && !providerIds.contains(target.providerId))
                r.error(tp + QStringLiteral("provider"),
                        QStringLiteral("no provider with id '%1'").arg(target.providerId));
            target.upstreamModel = r.string(t, QStringLiteral("model"), tp, route.model);
            target.weight = int(r.integer(t, QStringLiteral("weight"), tp, 0, 1, 1000));
            route.targets.append(target);
        }
        out.append(route);
    }
}

void parseRouting(Reader& r, const QJsonObject& o, Config& c) {
    const QString p = QStringLiteral("routing.");
    RetryPolicy& rp = c.retry;
    rp.maxRounds = int(r.integer(o, QStringLiteral("max_rounds"), p, rp.maxRounds, 1, 10));
    rp.backoffInitialMs = int(r.integer(o, QStringLiteral("backoff_initial_ms"), p, rp.backoffInitialMs, 0, 600'000));
    rp.backoffMaxMs = int(r.integer(o, QStringLiteral("backoff_max_ms"), p, rp.backoffMaxMs, 0, 600'000));
    rp.deadlineMs = int(r.integer(o, QStringLiteral("deadline_ms"), p, rp.deadlineMs, 100, 3'600'000));
    rp.maxRetryAfterMs = int(r.integer(o, QStringLiteral("max_retry_after_ms"), p, rp.maxRetryAfterMs, 0, 3'600'000));
    const QJsonValue statuses = o.value(QStringLiteral("failover_statuses"));
    if (statuses.isArray()) {
        rp.failoverStatuses.clear();
        for (const QJsonValue& v : statuses.toArray()) {
            if (!v.isDouble() || v.toInt() < 400 || v.toInt() > 599)
                r.error(p + QStringLiteral("failover_statuses"), QStringLiteral("must list HTTP statuses from 400 to 599"));
            else
                rp.failoverStatuses.append(v.toInt());
        }
    } else if (!statuses.isUndefined()) {
        r.error(p + QStringLiteral("failover_statuses"), QStringLiteral("must be an array of HTTP statuses"));
    }
    c.healthFailureThreshold = int(r.integer(o, QStringLiteral("health_failure_threshold"), p, c.healthFailureThreshold, 1, 1000));
    c.healthCooldownMs = int(r.integer(o, QStringLiteral("health_cooldown_ms"), p, c.healthCooldownMs, 0, 3'600'000));
    c.healthMaxCooldownMs = int(r.integer(o, QStringLiteral("health_max_cooldown_ms"), p, c.healthMaxCooldownMs, 0, 86'400'000));
}

void parseUsage(Reader& r, const QJsonObject& root, UsageSettings& u) {
    const QJsonValue usage = root.value(QStringLiteral("usage"));
    if (usage.isObject()) {
        const QJsonObject o = usage.toObject();
        const QString p = QStringLiteral("usage.");
        const QJsonValue ledger = o.value(QStringLiteral("ledger"));
        if (ledger.isBool()) u.ledger = ledger.toBool();
        else if (!ledger.isUndefined()) r.error(p + QStringLiteral("ledger"), QStringLiteral("must be true or false"));
        const QJsonValue budget = o.value(QStringLiteral("budget_usd"));
        if (budget.isDouble() && budget.toDouble() >= 0) u.budgetMicros = usdToMicros(budget.toDouble());
        else if (!budget.isUndefined() && !budget.isNull())
            r.error(p + QStringLiteral("budget_usd"), QStringLiteral("must be a non-negative number (USD)"));
        u.budgetPeriod = r.string(o, QStringLiteral("budget_period"), p, u.budgetPeriod);
        if (!budgetPeriodFromName(u.budgetPeriod))
            r.error(p + QStringLiteral("budget_period"), QStringLiteral("must be day, week, month or total"));
    } else if (!usage.isUndefined()) {
        r.error(QStringLiteral("usage"), QStringLiteral("must be an object"));
    }
    const QJsonValue prices = root.value(QStringLiteral("prices"));
    if (prices.isObject()) {
        QStringList problems;
        (void)PriceCatalog::fromJson(prices.toObject(), &problems);
        for (const QString& problem : problems) r.error(QStringLiteral("prices.") + problem.section(QLatin1Char(':'), 0, 0),
                                                       problem.section(QLatin1Char(':'), 1).trimmed());
        u.prices = prices.toObject();
    } else if (!prices.isUndefined()) {
        r.error(QStringLiteral("prices"), QStringLiteral("must be an object with \"models\", \"embeddings\" or \"images\""));
    }
}

}  // namespace

ConfigLoad parseConfig(const QByteArray& json, const QString& file) {
    ConfigLoad result;
    Reader r(file, result.errors);
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError) {
        r.error({}, QStringLiteral("invalid JSON at offset %1: %2").arg(error.offset).arg(error.errorString()));
        return result;
    }
    if (!doc.isObject()) {
        r.error({}, QStringLiteral("the top level must be a JSON object"));
        return result;
    }
    const QJsonObject root = doc.object();
    const QJsonValue server = root.value(QStringLiteral("server"));
    if (server.isObject()) parseServer(r, server.toObject(), result.config.server);
    else if (!server.isUndefined()) r.error(QStringLiteral("server"), QStringLiteral("must be an object"));
    const QJsonValue routing = root.value(QStringLiteral("routing"));
    if (routing.isObject()) parseRouting(r, routing.toObject(), result.config);
    else if (!routing.isUndefined()) r.error(QStringLiteral("routing"), QStringLiteral("must be an object"));
    parseProviders(r, root.value(QStringLiteral("providers")), result.config.providers);
    parseRoutes(r, root.value(QStringLiteral("routes")), result.config.providers, result.config.routes);
    parseUsage(r, root, result.config.usage);
    return result;
}

ConfigLoad loadConfigFile(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        ConfigLoad result;
        result.errors.append({path, {}, QStringLiteral("cannot read: %1").arg(file.errorString())});
        return result;
    }
    return parseConfig(file.readAll(), path);
}

QString defaultConfigPath() {
    return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) +
           QStringLiteral("/config.json");
}

QString defaultDataDir() {
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
}

}  // namespace ar
