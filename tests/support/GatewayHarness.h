#pragma once

#include <QByteArray>
#include <QTemporaryDir>
#include <memory>

#include "core/Gateway.h"
#include "events/RequestEvent.h"

namespace ar::test {

// A real gateway on 127.0.0.1:0 with a temp data folder and one minted key, configured from
// a JSON text. Collects every request event it publishes.
class GatewayHarness {
public:
    explicit GatewayHarness(const QByteArray& configJson);
    ~GatewayHarness();

    bool ok() const { return m_ok; }
    QString error() const { return m_error; }
    quint16 port() const { return m_gateway ? m_gateway->port() : 0; }
    const QString& key() const { return m_key; }
    Gateway& gateway() { return *m_gateway; }
    QString dataDir() const { return m_dir.path(); }

    // Events received so far (processes the event loop for up to waitMs for a Finished one
    // with the given count).
    QList<RequestEvent> events() const { return m_events; }
    QList<RequestEvent> waitForFinished(int count, int waitMs = 5000);

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Gateway> m_gateway;
    QString m_key;
    QList<RequestEvent> m_events;
    bool m_ok = false;
    QString m_error;
};

// A config with one OpenAI-compatible provider "fake" at `baseUrl` and routes for
// "gpt-4o-mini", "text-embedding-3-small" and "dall-e-3"; `serverJson` goes in "server".
QByteArray simpleConfig(const QString& baseUrl, const QByteArray& serverJson = "{\"port\":0}",
                        int timeoutMs = 5000);

}  // namespace ar::test
