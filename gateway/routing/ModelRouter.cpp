#include "routing/ModelRouter.h"

#include <QRandomGenerator>

namespace ar {

ModelRouter::ModelRouter(const Config* config, std::function<double()> random)
    : m_config(config), m_random(std::move(random)) {
    if (!m_random) m_random = [] { return QRandomGenerator::global()->generateDouble(); };
}

QList<ResolvedTarget> ModelRouter::resolve(const QString& model) const {
    QList<ResolvedTarget> out;
    for (const Route& route : m_config->routes) {
        if (route.model != model) continue;
        // Unweighted routes keep their order. Weighted order: draw without replacement, so heavier targets tend to go first while
        // every target stays available for failover.
        QList<RouteTarget> pool = route.targets;
        bool weighted = false;
        for (const RouteTarget& t : pool) weighted |= t.weight > 0;
        while (!pool.isEmpty()) {
            qsizetype pick = 0;
            if (weighted && pool.size() > 1) {
                int total = 0;
                for (const RouteTarget& t : pool) total += qMax(1, t.weight);
                double x = m_random() * total;
                for (pick = 0; pick < pool.size() - 1; ++pick) {
                    x -= qMax(1, pool[pick].weight);
                    if (x < 0) break;
                }
            }
            const RouteTarget t = pool.takeAt(pick);
            if (const ProviderConfig* p = m_config->provider(t.providerId))
                out.append({p, t.upstreamModel});
        }
        return out;
    }
    const qsizetype slash = model.indexOf(QLatin1Char('/'));
    if (slash > 0 && slash < model.size() - 1) {
        if (const ProviderConfig* p = m_config->provider(model.left(slash)))
            out.append({p, model.mid(slash + 1)});
    }
    return out;
}

QStringList ModelRouter::publicModels() const {
    QStringList out;
    for (const Route& route : m_config->routes)
        if (!out.contains(route.model)) out.append(route.model);
    return out;
}

}  // namespace ar
