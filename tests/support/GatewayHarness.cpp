#include "support/GatewayHarness.h"

#include <QCoreApplication>
#include <QDeadlineTimer>

#include "auth/KeyStore.h"
#include "events/EventBus.h"

namespace ar::test {

GatewayHarness::GatewayHarness(const QByteArray& configJson) {
    ConfigLoad load = parseConfig(configJson, QStringLiteral("test-config.json"));
    if (!load.ok()) {
        m_error = load.errors.first().toString();
        return;
    }
    m_gateway = std::make_unique<Gateway>(load.config, m_dir.path());
    m_gateway->events()->subscribeQueued(m_gateway.get(), EventBus::kAllKinds,
                                         [this](const RequestEvent& e) { m_events.append(e); });
    if (Status s = m_gateway->start(); !s) {
        m_error = s.error().message;
        return;
    }
    auto key = m_gateway->keys()->create(QStringLiteral("test"));
    if (!key) {
        m_error = key.error().message;
        return;
    }
    m_key = key.value();
    m_ok = true;
}

GatewayHarness::~GatewayHarness() {
    if (m_gateway) m_gateway->stop();
}

QList<RequestEvent> GatewayHarness::waitForFinished(int count, int waitMs) {
    QDeadlineTimer deadline(waitMs);
    auto finished = [this] {
        int n = 0;
        for (const RequestEvent& e : m_events) n += e.kind == RequestEvent::Kind::Finished;
        return n;
    };
    while (finished() < count && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
    QList<RequestEvent> out;
    for (const RequestEvent& e : m_events)
        if (e.kind == RequestEvent::Kind::Finished) out.append(e);
    return out;
}

QByteArray simpleConfig(const QString& baseUrl, const QByteArray& serverJson, int timeoutMs) {
    return R"({"server":)" + serverJson + R"(,
      "providers":[{"id":"fake","type":"openai-compatible","base_url":")" + baseUrl.toUtf8() +
           R"(","api_key_env":"AR_TEST_FAKE_KEY","timeout_ms":)" + QByteArray::number(timeoutMs) + R"(}],
      "routes":[{"model":"gpt-4o-mini","targets":[{"provider":"fake","model":"gpt-4o-mini-2024-07-18"}]},
                {"model":"text-embedding-3-small","targets":[{"provider":"fake"}]},
                {"model":"dall-e-3","targets":[{"provider":"fake"}]}]})";
}

}  // namespace ar::test
