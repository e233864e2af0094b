#pragma once

#include <QList>
#include <QString>

#include "core/Result.h"
#include "providers/ProviderConfig.h"
#include "routing/Route.h"

namespace ar {

// Failover settings of the "routing" section that the window edits.
struct FailoverSettings {
    int maxRounds = 2;
    int healthFailureThreshold = 3;
    int healthCooldownMs = 30'000;
};

// Edits the config file in place for the GUI: only the touched section changes, every other
// field (and unknown ones) stays. The result is validated with the normal parser before it is
// written (atomically), so a save never leaves a config that `serve` would refuse. A missing
// file is created.
class ConfigEditor {
public:
    explicit ConfigEditor(QString path) : m_path(std::move(path)) {}

    const QString& path() const { return m_path; }

    // Adds or replaces a provider (by id); `inKeychain` makes it take its credential from the
    // keychain entry provider:<id>. Never writes a credential.
    Status saveProvider(const ProviderConfig& provider, bool inKeychain);
    Status removeProvider(const QString& id);
    Status saveRouting(const QList<Route>& routes, const FailoverSettings& failover);

private:
    template <typename Edit>
    Status edit(Edit change);

    QString m_path;
};

}  // namespace ar
