#include "core/Gateway.h"

#include <QThread>

#include "admin/AdminServices.h"
#include "api/ApiHandler.h"
#include "auth/KeyStore.h"
#include "core/GatewayContext.h"
#include "events/EventBus.h"
#include "http/HttpServer.h"
#include "usage/CostControls.h"
#include "usage/Ledger.h"
#include "usage/LedgerQueries.h"
#include "usage/Metrics.h"
#include "usage/PriceCatalog.h"

namespace ar {

QString keyStorePath(const QString& dataDir) { return dataDir + QStringLiteral("/keys.sqlite"); }

Gateway::Gateway(Config config, const QString& dataDir, QObject* parent)
    : QObject(parent),
      m_config(std::move(config)),
      m_events(new EventBus(this)),
      m_keys(std::make_unique<KeyStore>(keyStorePath(dataDir))),
      m_admin(new AdminServices(*m_keys, this)) {
    // Translators take each provider's current credential from here, per request.
    for (ProviderConfig& p : m_config.providers) p.liveCredentials = m_admin->credentials();
    m_admin->deviceFlow().tokens().setFilePath(dataDir + QStringLiteral("/oauth-tokens.json"));
    m_dataDir = dataDir;
    m_prices = std::make_unique<PriceCatalog>(PriceCatalog::builtIn());
    m_prices->merge(PriceCatalog::fromJson(m_config.usage.prices));  // validated by parseConfig
    m_usage = std::make_unique<LedgerQueries>(ledgerPath(dataDir));
    m_metrics = new Metrics(this);  // counts since the process started, across stop/start
    m_metrics->attach(m_events);
}

UsageQueries* Gateway::usage() const { return m_usage.get(); }

void Gateway::setConfig(Config config) {
    m_config = std::move(config);
    for (ProviderConfig& p : m_config.providers) p.liveCredentials = m_admin->credentials();
    // The price catalog stays: a running proxy holds a pointer to it.
}

const ProviderHealth* Gateway::health() const { return m_context ? &m_context->health : nullptr; }

Gateway::~Gateway() { stop(); }

Status Gateway::start() {
    if (m_server) return Ok{};
    if (Status s = m_keys->load(); !s) return s;
    if (Status s = m_admin->deviceFlow().tokens().load(); !s) return s;
    m_context = std::make_unique<GatewayContext>(m_config, m_keys.get(), m_events);
    m_context->admin = m_admin;
    // Usage: the ledger records every Finished event; cost controls are seeded from it.
    if (m_config.usage.ledger) {
        m_ledger = std::make_unique<Ledger>(m_dataDir);
        if (Status s = m_ledger->open(); !s) {
            m_ledger.reset();
            m_context.reset();
            return s;
        }
        m_ledger->attach(m_events);
    }
    const GatewayBudget budget{m_config.usage.budgetMicros,
                               budgetPeriodFromName(m_config.usage.budgetPeriod).value_or(BudgetPeriod::Month)};
    m_costControls = new CostControls(m_prices.get(), budget, m_clock, this);
    if (m_ledger) m_costControls->seed(*m_usage);
    m_costControls->attach(m_events);
    m_context->prices = m_prices.get();
    m_context->costControls = m_costControls;
    m_context->usage = m_usage.get();
    m_context->metrics = m_metrics;
    m_context->background = &m_background;
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
        m_ledger.reset();
        delete m_costControls;
        m_costControls = nullptr;
        return port.error();
    }
    m_port = port.value();
    return Ok{};
}

void Gateway::stop() {
    if (m_server) m_server->stop();
    m_server.reset();
    m_background.waitForDone();  // a usage query still running reads the context and the ledger
    m_context.reset();
    m_ledger.reset();  // after the workers: commits every queued row
    delete m_costControls;
    m_costControls = nullptr;
    m_port = 0;
}

QString Gateway::baseUrl() const {
    QString host = m_config.server.bind;
    if (host == QLatin1String("0.0.0.0") || host == QLatin1String("localhost")) host = QStringLiteral("127.0.0.1");
    if (host.contains(QLatin1Char(':'))) host = QLatin1Char('[') + host + QLatin1Char(']');
    return QStringLiteral("http://%1:%2/v1").arg(host).arg(m_port);
}

}  // namespace ar
