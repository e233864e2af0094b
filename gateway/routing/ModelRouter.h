#pragma once

#include <QList>
#include <QStringList>
#include <functional>

#include "config/Config.h"

namespace ar {

struct ResolvedTarget {
    const ProviderConfig* provider = nullptr;
    QString upstreamModel;
};

// Resolves a public model name to the ordered provider targets that serve it: a configured
// route first, else "provider/model" for any configured provider id.
class ModelRouter {
public:
    // `random` returns a value in [0, 1); injected so tests are deterministic.
    explicit ModelRouter(const Config* config, std::function<double()> random = {});

    QList<ResolvedTarget> resolve(const QString& model) const;
    QStringList publicModels() const;

private:
    const Config* m_config;
    std::function<double()> m_random;
};

}  // namespace ar
