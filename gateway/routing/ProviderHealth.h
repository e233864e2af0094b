#pragma once

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QMutex>
#include <QString>
#include <functional>

namespace ar {

// Per-provider health shared by all worker threads: a circuit breaker. A provider that fails
// `failureThreshold` times in a row is opened (cooled down) for `cooldownMs`; its targets are
// tried last meanwhile (never skipped: a down provider is still better than no answer). After
// the cool-down the circuit is half-open: the next attempt is the one trial (probe) let through
// first; while it runs the provider stays last for everyone else. A success closes the circuit;
// a failure opens it again for twice the previous cool-down, up to `maxCooldownMs`.
class ProviderHealth {
public:
    enum class Circuit { Closed, Open, HalfOpen };

    struct State {
        int consecutiveFailures = 0;
        qint64 downUntilMs = 0;  // end of the current cool-down
        qint64 successes = 0;
        qint64 failures = 0;
        qint64 lastLatencyMs = -1;
        QString lastError;
        int trips = 0;            // openings since the last success; sets the cool-down length
        qint64 probeToken = 0;    // the half-open trial in flight, 0: none
        qint64 probeUntilMs = 0;  // when an unsettled trial stops blocking the next one
    };

    explicit ProviderHealth(int failureThreshold = 3, int cooldownMs = 30'000,
                            std::function<qint64()> nowMs = {}, int maxCooldownMs = 300'000);

    void recordSuccess(const QString& provider, qint64 latencyMs);
    void recordFailure(const QString& provider, const QString& error);
    // Open, or half-open with its trial in flight: try this provider after the others.
    bool isDown(const QString& provider) const;
    Circuit circuit(const QString& provider) const;

    // An attempt is about to go to `provider`. When the circuit is half-open and no trial is in
    // flight, this attempt becomes the trial: returns its token (> 0), else 0. A trial whose
    // outcome never comes (see abandonProbe) stops blocking others after `leaseMs`.
    qint64 beginAttempt(const QString& provider, int leaseMs);
    // The trial ended without saying anything about health (client gone, a 4xx answer): the
    // next attempt may probe. A stale token (the circuit moved on) is ignored.
    void abandonProbe(const QString& provider, qint64 token);

    State state(const QString& provider) const;
    QJsonObject toJson(const QString& provider) const;  // one provider, for the admin API
    QJsonArray toJson() const;                          // every provider seen, for the GUI

private:
    qint64 cooldownFor(int trips) const;
    Circuit circuitOf(const State& s, qint64 now) const;
    QJsonObject describe(const QString& provider, const State& s, qint64 now) const;

    int m_threshold;
    int m_cooldownMs;
    int m_maxCooldownMs;
    std::function<qint64()> m_now;
    mutable QMutex m_mutex;
    QHash<QString, State> m_states;
    qint64 m_nextToken = 1;
};

}  // namespace ar
