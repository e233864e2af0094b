#pragma once

#include <QDateTime>
#include <atomic>
#include <memory>

#include "auth/KeyStore.h"
#include "config/Config.h"
#include "events/EventBus.h"
#include "routing/ModelRouter.h"

namespace ar {

// State shared by every worker thread: the config (read-only while serving), the keys,
// and the event bus. Per-thread state lives in each worker's ApiHandler.
struct GatewayContext {
    GatewayContext(Config cfg, KeyStore* keyStore, EventBus* eventBus)
        : config(std::move(cfg)), router(&config), keys(keyStore), events(eventBus) {}

    const Config config;
    const ModelRouter router;
    KeyStore* keys;
    EventBus* events;
    const QDateTime startedAt = QDateTime::currentDateTimeUtc();
    std::atomic<quint64> nextRequestId{1};
};

}  // namespace ar
