#pragma once

#include <QDateTime>
#include <QObject>
#include <QStringList>
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

    // The first start, the way `serve` does it: reads the keychain-held provider credentials and
    // the admin token from the gateway's secret store (asynchronously, each call bounded by the
    // store's timeout), then starts. `warnings` receives the problems in plain words.
    void loadSecretsThenStart(std::function<void(QStringList warnings)> warnings);

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
