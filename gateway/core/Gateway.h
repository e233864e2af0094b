#pragma once

#include <QObject>
#include <QThreadPool>
#include <memory>

#include "config/Config.h"
#include "core/Result.h"
#include "usage/Clock.h"

namespace ar {

class AdminServices;
class CostControls;
class Ledger;
class LedgerQueries;
class Metrics;
class PriceCatalog;
class ProviderHealth;
class UsageQueries;
class EventBus;
class HttpServer;
class KeyStore;
struct GatewayContext;

// The whole gateway behind one object: owns the shared context and the HTTP server whose
// worker threads run the proxy. The thread that creates it (the GUI's, say) only starts and
// stops it and receives events.
class Gateway : public QObject {
    Q_OBJECT
public:
    // `dataDir` holds the key store (and later the ledger).
    Gateway(Config config, const QString& dataDir, QObject* parent = nullptr);
    ~Gateway() override;

    Status start();  // binds config.server.bind:port
    void stop();

    bool running() const { return m_port != 0; }
    quint16 port() const { return m_port; }
    QString baseUrl() const;  // http://127.0.0.1:port/v1

    EventBus* events() const { return m_events; }
    KeyStore* keys() const { return m_keys.get(); }
    // Keys, provider credentials, admin token; give it a secret store and call loadSecrets()
    // before start() to use the keychain (see AdminServices).
    AdminServices* admin() const { return m_admin; }
    const Config& config() const { return m_config; }
    // Replaces the config used by the next start() (the running one keeps its own copy);
    // prices stay as they were.
    void setConfig(Config config);

    // Usage: the ledger's queries (usable while stopped), the price list, and the cost
    // controls (null while stopped). setClock() before start() injects time for tests.
    UsageQueries* usage() const;
    const PriceCatalog& prices() const { return *m_prices; }
    CostControls* costControls() const { return m_costControls; }
    // Each provider's circuit breaker (null while stopped); thread-safe to read from any thread.
    const ProviderHealth* health() const;
    void setClock(Clock clock) { m_clock = std::move(clock); }

private:
    Config m_config;
    EventBus* m_events;
    std::unique_ptr<KeyStore> m_keys;
    AdminServices* m_admin;  // child QObject
    std::unique_ptr<GatewayContext> m_context;
    std::unique_ptr<HttpServer> m_server;
    quint16 m_port = 0;
    QString m_dataDir;
    Clock m_clock = systemClock();
    std::unique_ptr<PriceCatalog> m_prices;
    std::unique_ptr<LedgerQueries> m_usage;
    std::unique_ptr<Ledger> m_ledger;  // open while running
    CostControls* m_costControls = nullptr;  // child QObject while running
    Metrics* m_metrics = nullptr;            // child QObject
    QThreadPool m_background;                // GatewayContext::background
};

// Path of the key store inside a data folder.
QString keyStorePath(const QString& dataDir);

}  // namespace ar
