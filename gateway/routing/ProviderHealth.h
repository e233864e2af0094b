#pragma once

#include <QHash>
#include <QJsonArray>
#include <QMutex>
#include <QString>
#include <functional>

namespace ar {

// Per-provider health shared by all worker threads: a provider that fails `failureThreshold`
// times in a row is considered down for `cooldownMs`, and its targets are tried last until
// then (never skipped: a down provider is still better than no answer).
class ProviderHealth {
public:
    struct State {
        int consecutiveFailures = 0;
        qint64 downUntilMs = 0;
        qint64 successes = 0;
        qint64 failures = 0;
        qint64 lastLatencyMs = -1;
        QString lastError;
    };

    explicit ProviderHealth(int failureThreshold = 3, int cooldownMs = 30'000,
                            std::function<qint64()> nowMs = {});

    void recordSuccess(const QString& provider, qint64 latencyMs);
    void recordFailure(const QString& provider, const QString& error);
    bool isDown(const QString& provider) const;
    State state(const QString& provider) const;
    QJsonArray toJson() const;  // for the admin API and the GUI

private:
    int m_threshold;
    int m_cooldownMs;
    std::function<qint64()> m_now;
    mutable QMutex m_mutex;
    QHash<QString, State> m_states;
};

}  // namespace ar
