#pragma once

#include <QObject>
#include <memory>

#include "config/Config.h"
#include "core/Result.h"

namespace ar {

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
    const Config& config() const { return m_config; }

private:
    Config m_config;
    EventBus* m_events;
    std::unique_ptr<KeyStore> m_keys;
    std::unique_ptr<GatewayContext> m_context;
    std::unique_ptr<HttpServer> m_server;
    quint16 m_port = 0;
};

// Path of the key store inside a data folder.
QString keyStorePath(const QString& dataDir);

}  // namespace ar
