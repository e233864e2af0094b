#pragma once

// Helpers shared by the admin and secrets suites: a real gateway started with a secret store,
// and running blocking clients off the main thread (the secret store answers on the main
// thread, so it must keep turning while a client waits).
#include <gtest/gtest.h>

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QTemporaryDir>
#include <atomic>
#include <memory>
#include <optional>
#include <thread>

#include "admin/AdminServices.h"
#include "core/Gateway.h"
#include "events/EventBus.h"
#include "support/TestClient.h"

namespace ar::test {

// Turns the main event loop until `done()` or the deadline.
template <typename Pred>
bool pumpUntil(Pred done, int timeoutMs = 15'000) {
    QDeadlineTimer deadline(timeoutMs);
    while (!done() && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
    return done();
}

// Runs `f` on a thread of its own while the main thread keeps serving events.
template <typename F>
auto offMainThread(F f) -> decltype(f()) {
    std::optional<decltype(f())> out;
    std::atomic<bool> finished{false};
    std::thread worker([&] {
        out.emplace(f());
        finished = true;
    });
    pumpUntil([&] { return finished.load(); }, 60'000);
    worker.join();
    return std::move(*out);
}

// Waits for an asynchronous secret-store answer (test code only).
template <typename T, typename Start>
T awaitSecret(Start start) {
    std::optional<T> out;
    QObject context;
    start(&context, [&](T value) { out.emplace(std::move(value)); });
    pumpUntil([&] { return out.has_value(); }, 60'000);
    if (!out) ADD_FAILURE() << "no answer from the secret store";
    return out ? std::move(*out) : T(ApiError::internal(QStringLiteral("no answer")));
}

// A gateway on 127.0.0.1:0 with a temp data folder, started the way `serve` does: secret
// store set, secrets loaded, then start().
class SecretsGateway {
public:
    SecretsGateway(const QByteArray& configJson, SecretStore* store, const QString& dataDir = {}) {
        ConfigLoad load = parseConfig(configJson, QStringLiteral("test-config.json"));
        if (!load.ok()) {
            error = load.errors.first().toString();
            return;
        }
        gateway = std::make_unique<Gateway>(load.config, dataDir.isEmpty() ? dir.path() : dataDir);
        gateway->events()->subscribeQueued(gateway.get(), EventBus::bit(RequestEvent::Kind::Finished),
                                           [this](const RequestEvent&) { ++finished; });
        if (store) gateway->admin()->setSecretStore(store);
        bool loaded = false;
        gateway->admin()->loadSecrets(gateway->config(), [&](QStringList w) {
            warnings = w;
            loaded = true;
        });
        if (!pumpUntil([&] { return loaded; }, 60'000)) {
            error = QStringLiteral("loadSecrets did not finish");
            return;
        }
        if (Status s = gateway->start(); !s) error = s.error().message;
    }
    ~SecretsGateway() {
        if (gateway) gateway->stop();
    }
    bool ok() const { return error.isEmpty(); }
    // Request events reach the main thread (access log, GUI) a little after the response.
    bool waitForFinished(int count) {
        return pumpUntil([&] { return finished >= count; });
    }
    quint16 port() const { return gateway->port(); }

    // One request on its own connection, from another thread.
    ClientResponse call(const QByteArray& method, const QByteArray& path,
                        const QByteArray& body = {}, const QByteArray& headers = {}) {
        const quint16 p = port();
        return offMainThread([=] {
            TestClient c(p);
            return c.request(method, path, body, headers);
        });
    }

    // Bytes written as they are (for a request with a Host header of our choice).
    ClientResponse raw(const QByteArray& bytes) {
        const quint16 p = port();
        return offMainThread([=] {
            TestClient c(p);
            c.writeRaw(bytes);
            return c.read();
        });
    }

    QTemporaryDir dir;
    std::unique_ptr<Gateway> gateway;
    QStringList warnings;
    QString error;
    int finished = 0;
};

inline QByteArray adminAuth(const QByteArray& token) {
    return "Authorization: Bearer " + token + "\r\n";
}

}  // namespace ar::test
