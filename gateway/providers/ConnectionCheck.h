#pragma once

#include <QObject>
#include <QThread>
#include <functional>

#include "core/Result.h"
#include "providers/ProviderConfig.h"
#include "providers/Translator.h"

namespace ar {

struct ConnectionCheckResult {
    bool ok = false;
    int status = 0;         // HTTP status; 0 when nothing answered
    qint64 latencyMs = -1;  // until the whole answer arrived
    int models = -1;        // models the provider listed, when it says
    QString message;        // for the user: what worked, or the provider's own error
};

// The request "Test connection" sends: the provider's model list (GET <base>/models; Azure:
// <base>/openai/models), with the auth headers its own translator builds for real requests, so
// a wrong key, URL or certificate fails here exactly as it would when proxying. Costs no tokens.
Result<UpstreamRequest> connectionCheckRequest(const ProviderConfig& provider);

// Runs connection checks on its own thread with its own upstream pool: the caller's thread
// (the GUI's) never waits. `done` runs on `context`'s thread, unless `context` is gone.
class ConnectionChecker : public QObject {
    Q_OBJECT
public:
    static constexpr int kTimeoutMs = 15'000;
    using Callback = std::function<void(ConnectionCheckResult)>;

    explicit ConnectionChecker(QObject* parent = nullptr);
    ~ConnectionChecker() override;

    void check(const ProviderConfig& provider, QObject* context, Callback done);

private:
    QThread m_thread;
    QObject* m_worker;  // lives in m_thread
};

}  // namespace ar
