#pragma once

#include <QDateTime>
#include <QThreadPool>
#include <atomic>
#include <memory>

#include "auth/KeyStore.h"
#include "config/Config.h"
#include "events/EventBus.h"
#include "routing/ModelRouter.h"
#include "routing/ProviderHealth.h"

namespace ar {

class AdminServices;
class CostControls;
class Metrics;
class PriceCatalog;
class UsageQueries;

// State shared by every worker thread: the config (read-only while serving), the keys,
// and the event bus. Per-thread state lives in each worker's ApiHandler.
struct GatewayContext {
    GatewayContext(Config cfg, KeyStore* keyStore, EventBus* eventBus)
        : config(std::move(cfg)),
          router(&config),
          health(config.healthFailureThreshold, config.healthCooldownMs, {}, config.healthMaxCooldownMs),
          keys(keyStore),
          events(eventBus) {}

    const Config config;
    const ModelRouter router;
    ProviderHealth health;
    KeyStore* keys;
    EventBus* events;
    AdminServices* admin = nullptr;  // lives in the Gateway's thread; see AdminHandler
    const PriceCatalog* prices = nullptr;  // immutable while serving
    CostControls* costControls = nullptr;  // thread-safe; null: no limits checked
    UsageQueries* usage = nullptr;         // the ledger's read side (any thread)
    const Metrics* metrics = nullptr;      // /metrics (thread-safe)
    // Slow admin work (ledger queries) off the proxy threads; the Gateway waits for it to end
    // before it tears down what that work reads.
    QThreadPool* background = nullptr;
    const QDateTime startedAt = QDateTime::currentDateTimeUtc();
    std::atomic<quint64> nextRequestId{1};
};

}  // namespace ar
