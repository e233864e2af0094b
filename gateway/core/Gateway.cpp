#include "core/Gateway.h"

#include <QThread>

#include "api/ApiHandler.h"
#include "auth/KeyStore.h"
#include "core/GatewayContext.h"
#include "events/EventBus.h"
#include "http/HttpServer.h"

namespace ar {

QString keyStorePath(const QString& dataDir) { return dataDir + QStringLiteral("/keys.json"); }

Gateway::Gateway(Config config, const QString& dataDir, QObject* parent)
    : QObject(parent),
      m_config(std::move(config)),
      m_events(new EventBus(this)),
      m_keys(std::make_unique<KeyStore>(keyStorePath(dataDir))) {}

Gateway::~Gateway() { stop(); }

Status Gateway::start() {
    if (m_server) return Ok{};
    if (Status s = m_keys->load(); !s) return s;
    m_context = std::make_unique<GatewayContext>(m_config, m_keys.get(), m_events);
    const int workers = m_config.server.workers > 0 ? m_config.server.workers
                                                    : qMax(1, QThread::idealThreadCount());
    GatewayContext* context = m_context.get();
    m_server = std::make_unique<HttpServer>(m_config.server.limits, workers, [context] {
        return std::unique_ptr<RequestHandler>(new ApiHandler(*context));
    });
    const QString bind = m_config.server.bind == QLatin1String("localhost")
                             ? QStringLiteral("127.0.0.1")
                             : m_config.server.bind;
    auto port = m_server->listen(QHostAddress(bind), quint16(m_config.server.port));
    if (!port) {
        m_server.reset();
        m_context.reset();
        return port.error();
    }
    m_port = port.value();
    return Ok{};
}

void Gateway::stop() {
    if (m_server) m_server->stop();
    m_server.reset();
    m_context.reset();
    m_port = 0;
}

QString Gateway::baseUrl() const {
    QString host = m_config.server.bind;
    if (host == QLatin1String("0.0.0.0") || host == QLatin1String("localhost")) host = QStringLiteral("127.0.0.1");
    if (host.contains(QLatin1Char(':'))) host = QLatin1Char('[') + host + QLatin1Char(']');
    return QStringLiteral("http://%1:%2/v1").arg(host).arg(m_port);
}

}  // namespace ar
