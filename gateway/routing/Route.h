#pragma once

#include <QList>
#include <QString>

namespace ar {

struct RouteTarget {
    QString providerId;
    QString upstreamModel;
    int weight = 0;  // 0: unweighted; with weights, targets are drawn in weighted order
};

// A public model name and the ordered targets that serve it (first is preferred).
struct Route {
    QString model;
    QList<RouteTarget> targets;
};

}  // namespace ar
