#include "models/RouteEditor.h"

#include <QSet>

namespace ar::gui {

RouteEditor::RouteEditor(QObject* parent) : QObject(parent) {}

void RouteEditor::load(const QList<Route>& routes, const FailoverSettings& failover) {
    m_routes = m_savedRoutes = routes;
    m_failover = m_savedFailover = failover;
    m_modified = false;
    Q_EMIT changed();
}

bool RouteEditor::moveTarget(int route, int from, int to) {
    if (route < 0 || route >= m_routes.size()) return false;
    QList<RouteTarget>& t = m_routes[route].targets;
    if (from < 0 || from >= t.size() || to < 0 || to >= t.size() || from == to) return false;
    t.move(from, to);
    m_modified = true;
    Q_EMIT changed();
    return true;
}

bool RouteEditor::reorderTargets(int route, const QList<int>& newOrder) {
    if (route < 0 || route >= m_routes.size()) return false;
    const QList<RouteTarget>& old = m_routes[route].targets;
    if (newOrder.size() != old.size() || QSet<int>(newOrder.begin(), newOrder.end()).size() != old.size())
        return false;
    QList<RouteTarget> reordered;
    for (int i : newOrder) {
        if (i < 0 || i >= old.size()) return false;
        reordered.append(old[i]);
    }
    if (newOrder == [&] { QList<int> same; for (int i = 0; i < old.size(); ++i) same << i; return same; }())
        return true;
    m_routes[route].targets = reordered;
    m_modified = true;
    Q_EMIT changed();
    return true;
}

void RouteEditor::setFailover(const FailoverSettings& failover) {
    if (failover.maxRounds == m_failover.maxRounds && failover.healthFailureThreshold == m_failover.healthFailureThreshold &&
        failover.healthCooldownMs == m_failover.healthCooldownMs)
        return;
    m_failover = failover;
    m_modified = true;
    Q_EMIT changed();
}

void RouteEditor::save() { Q_EMIT saveRequested(m_routes, m_failover); }

void RouteEditor::markSaved() {
    m_savedRoutes = m_routes;
    m_savedFailover = m_failover;
    m_modified = false;
    Q_EMIT changed();
}

void RouteEditor::revert() { load(m_savedRoutes, m_savedFailover); }

}  // namespace ar::gui
