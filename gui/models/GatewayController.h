#pragma once

#include <QDateTime>
#include <QObject>
#include <functional>

namespace ar {
class Gateway;
}

namespace ar::gui {

// Start/stop and status of the gateway for the window and the tray. The gateway's proxy runs
// on its own worker threads; starting only binds the socket, so this never waits on it.
class GatewayController : public QObject {
    Q_OBJECT
public:
    using Clock = std::function<QDateTime()>;

    explicit GatewayController(Gateway* gateway, QObject* parent = nullptr);

    Gateway* gateway() const { return m_gateway; }
    bool running() const;
    QString baseUrl() const;          // empty while stopped
    QString configuredUrl() const;    // what baseUrl will be (configured port)
    QString lastError() const { return m_lastError; }
    qint64 uptimeSeconds() const;     // 0 while stopped
    void setClock(Clock clock) { m_clock = std::move(clock); }

public Q_SLOTS:
    bool start();
    void stop();
    void toggle();

Q_SIGNALS:
    void stateChanged(bool running);

private:
    QDateTime now() const { return m_clock ? m_clock() : QDateTime::currentDateTimeUtc(); }

    Gateway* m_gateway;
    QDateTime m_startedAt;
    QString m_lastError;
    Clock m_clock;
};

}  // namespace ar::gui
