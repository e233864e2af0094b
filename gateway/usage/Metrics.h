#pragma once

#include <QByteArray>
#include <QHash>
#include <QMutex>
#include <QObject>
#include <QString>
#include <array>

#include "events/RequestEvent.h"

namespace ar {

class EventBus;

// Prometheus counters and histograms of finished requests, served as text format 0.0.4 on
// GET /metrics (loopback only). Updated on the proxy thread that publishes each Finished
// event: one short mutex-guarded hash update per request, nothing per chunk.
class Metrics : public QObject {
    Q_OBJECT
public:
    // Upper bounds, in seconds, shared by the latency and time-to-first-byte histograms.
    static constexpr std::array<double, 14> kBuckets{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                                     1,     2.5,  5,     10,   30,  60,  120};

    explicit Metrics(QObject* parent = nullptr);

    void attach(EventBus* bus);
    void record(const RequestEvent& finished);  // thread-safe

    QByteArray exposition() const;  // the /metrics body

private:
    struct Histogram {
        std::array<quint64, kBuckets.size()> counts{};  // non-cumulative; summed when written
        quint64 count = 0;
        double sum = 0;
        void observe(double seconds);
    };
    struct Series {  // one (provider, model, status)
        quint64 requests = 0;
        quint64 promptTokens = 0, cachedTokens = 0, cacheWriteTokens = 0, completionTokens = 0,
                reasoningTokens = 0;
        quint64 costMicros = 0;
        quint64 unknownCost = 0;
        quint64 estimatedUsage = 0;
        Histogram latency;
        Histogram ttfb;
    };
    struct SeriesKey {
        QString provider, model;
        int status;
        friend bool operator==(const SeriesKey&, const SeriesKey&) = default;
        friend size_t qHash(const SeriesKey& k, size_t seed = 0) {
            return qHashMulti(seed, k.provider, k.model, k.status);
        }
    };

    mutable QMutex m_mutex;
    QHash<SeriesKey, Series> m_series;
};

}  // namespace ar
