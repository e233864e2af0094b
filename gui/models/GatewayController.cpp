#include "models/GatewayController.h"

#include <QPointer>

#include "admin/AdminServices.h"
#include "core/Gateway.h"

namespace ar::gui {

GatewayController::GatewayController(Gateway* gateway, QObject* parent)
    : QObject(parent), m_gateway(gateway) {
    if (running()) m_startedAt = now();
}

bool GatewayController::running() const { return m_gateway && m_gateway->running(); }

QString GatewayController::baseUrl() const { return running() ? m_gateway->baseUrl() : QString(); }

QString GatewayController::configuredUrl() const {
    if (running()) return m_gateway->baseUrl();
    if (!m_gateway) return {};
    const auto& s = m_gateway->config().server;
    QString host = s.bind;
    if (host == QLatin1String("0.0.0.0") || host == QLatin1String("localhost")) host = QStringLiteral("127.0.0.1");
    return QStringLiteral("http://%1:%2/v1").arg(host).arg(s.port);
}

qint64 GatewayController::uptimeSeconds() const {
    return running() && m_startedAt.isValid() ? m_startedAt.secsTo(now()) : 0;
}

bool GatewayController::start() {
    if (!m_gateway) return false;
    if (running()) return true;
    if (Status s = m_gateway->start(); !s) {
        m_lastError = s.error().message;
        Q_EMIT stateChanged(false);
        return false;
    }
    m_lastError.clear();
    m_startedAt = now();
    Q_EMIT stateChanged(true);
    return true;
}

void GatewayController::loadSecretsThenStart(std::function<void(QStringList)> warnings) {
    if (!m_gateway) return;
    QPointer<GatewayController> self(this);
    m_gateway->admin()->loadSecrets(m_gateway->config(), [self, warnings](QStringList problems) {
        if (!self) return;
        if (warnings && !problems.isEmpty()) warnings(problems);
        self->start();
    });
}

void GatewayController::stop() {
    if (!running()) return;
    m_gateway->stop();
    m_startedAt = {};
    Q_EMIT stateChanged(false);
}

void GatewayController::toggle() {
    if (running()) stop();
    else start();
}

}  // namespace ar::gui
