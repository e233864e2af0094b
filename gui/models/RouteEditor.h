#pragma once

#include <QObject>

#include "config/ConfigEditor.h"
#include "routing/Route.h"

namespace ar::gui {

// The routes and failover settings being edited on the Routes page: reordering happens here,
// saving goes out through `saveRequested` (the config file, via ConfigEditor).
class RouteEditor : public QObject {
    Q_OBJECT
public:
    explicit RouteEditor(QObject* parent = nullptr);

    void load(const QList<Route>& routes, const FailoverSettings& failover);
    const QList<Route>& routes() const { return m_routes; }
    const FailoverSettings& failover() const { return m_failover; }
    bool modified() const { return m_modified; }

    // Moves target `from` of route `route` to position `to`; false when out of range.
    bool moveTarget(int route, int from, int to);
    // Replaces a route's targets by a permutation of them (what a drag-and-drop produced).
    bool reorderTargets(int route, const QList<int>& newOrder);
    void setFailover(const FailoverSettings& failover);

    void save();           // emits saveRequested with the current state
    void markSaved();      // the owner stored it
    void revert();         // back to what was loaded or last saved

Q_SIGNALS:
    void changed();
    void saveRequested(const QList<ar::Route>& routes, const ar::FailoverSettings& failover);

private:
    QList<Route> m_routes;
    FailoverSettings m_failover;
    QList<Route> m_savedRoutes;
    FailoverSettings m_savedFailover;
    bool m_modified = false;
};

}  // namespace ar::gui
