#include "config/ConfigEditor.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include "api/ApiError.h"
#include "config/Config.h"

namespace ar {

namespace {

ApiError fileError(const QString& message) {
    return ApiError{
        500, message, QStringLiteral("config_error"), {}, QStringLiteral("config_error")};
}

}  // namespace

template <typename Edit>
Status ConfigEditor::edit(Edit change) {
    QJsonObject root;
    QFile in(m_path);
    if (in.exists()) {
        if (!in.open(QIODevice::ReadOnly))
            return fileError(QStringLiteral("Cannot read %1: %2").arg(m_path, in.errorString()));
        QJsonParseError pe;
        const QJsonDocument doc = QJsonDocument::fromJson(in.readAll(), &pe);
        if (!doc.isObject())
            return fileError(QStringLiteral("%1 is not a JSON object (%2); fix it by hand first.")
                                 .arg(m_path, pe.errorString()));
        root = doc.object();
    }
    change(root);
    const QByteArray out = QJsonDocument(root).toJson(QJsonDocument::Indented);
    const ConfigLoad check = parseConfig(out, m_path);
    if (!check.ok()) return fileError(check.errors.first().toString());
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly) || file.write(out) != out.size() || !file.commit())
        return fileError(QStringLiteral("Cannot write %1: %2").arg(m_path, file.errorString()));
    return Ok{};
}

Status ConfigEditor::saveProvider(const ProviderConfig& p, bool inKeychain) {
    return edit([&](QJsonObject& root) {
        QJsonArray providers = root.value(QStringLiteral("providers")).toArray();
        QJsonObject entry;
        qsizetype at = -1;
        for (qsizetype i = 0; i < providers.size(); ++i)
            if (providers[i].toObject().value(QStringLiteral("id")).toString() == p.id) {
                entry = providers[i].toObject();  // keeps fields the dialog does not show
                at = i;
            }
        entry.insert(QStringLiteral("id"), p.id);
        entry.insert(QStringLiteral("type"), p.type);
        entry.insert(QStringLiteral("base_url"), p.baseUrl.toString());
        if (p.apiKeyEnv.isEmpty())
            entry.remove(QStringLiteral("api_key_env"));
        else
            entry.insert(QStringLiteral("api_key_env"), p.apiKeyEnv);
        if (inKeychain) entry.insert(QStringLiteral("credential"), QStringLiteral("keychain"));
        if (at >= 0)
            providers[at] = entry;
        else
            providers.append(entry);
        root.insert(QStringLiteral("providers"), providers);
    });
}

Status ConfigEditor::removeProvider(const QString& id) {
    return edit([&](QJsonObject& root) {
        QJsonArray providers = root.value(QStringLiteral("providers")).toArray();
        for (qsizetype i = providers.size() - 1; i >= 0; --i)
            if (providers[i].toObject().value(QStringLiteral("id")).toString() == id)
                providers.removeAt(i);
        root.insert(QStringLiteral("providers"), providers);
        // Targets on the removed provider would make the config invalid: drop them, and routes
        // left without targets.
        QJsonArray routes;
        for (const QJsonValue& rv : root.value(QStringLiteral("routes")).toArray()) {
            QJsonObject route = rv.toObject();
            QJsonArray targets;
            for (const QJsonValue& t : route.value(QStringLiteral("targets")).toArray())
                if (t.toObject().value(QStringLiteral("provider")).toString() != id)
                    targets.append(t);
            if (targets.isEmpty()) continue;
            route.insert(QStringLiteral("targets"), targets);
            routes.append(route);
        }
        if (root.contains(QStringLiteral("routes"))) root.insert(QStringLiteral("routes"), routes);
    });
}

Status ConfigEditor::saveRouting(const QList<Route>& routes, const FailoverSettings& failover) {
    return edit([&](QJsonObject& root) {
        QJsonArray out;
        for (const Route& r : routes) {
            QJsonArray targets;
            for (const RouteTarget& t : r.targets) {
                QJsonObject o{{QStringLiteral("provider"), t.providerId}};
                if (!t.upstreamModel.isEmpty()) o.insert(QStringLiteral("model"), t.upstreamModel);
                if (t.weight > 0) o.insert(QStringLiteral("weight"), t.weight);
                targets.append(o);
            }
            out.append(QJsonObject{{QStringLiteral("model"), r.model},
                                   {QStringLiteral("targets"), targets}});
        }
        root.insert(QStringLiteral("routes"), out);
        QJsonObject routing = root.value(QStringLiteral("routing")).toObject();
        routing.insert(QStringLiteral("max_rounds"), failover.maxRounds);
        routing.insert(QStringLiteral("health_failure_threshold"), failover.healthFailureThreshold);
        routing.insert(QStringLiteral("health_cooldown_ms"), failover.healthCooldownMs);
        root.insert(QStringLiteral("routing"), routing);
    });
}

}  // namespace ar
