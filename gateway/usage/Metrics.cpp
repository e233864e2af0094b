#include "usage/Metrics.h"

#include <QMutexLocker>

#include "events/EventBus.h"

namespace ar {

namespace {

// Label values escape backslash, double quote and newline (text format 0.0.4).
QByteArray escapeLabel(const QString& value) {
    QByteArray out;
    const QByteArray utf8 = value.toUtf8();
    out.reserve(utf8.size());
    for (char c : utf8) {
        if (c == '\\') out += "\\\\";
        else if (c == '"') out += "\\\"";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

QByteArray number(double v) { return QByteArray::number(v, 'g', 12); }

void header(QByteArray& out, const char* name, const char* type, const char* help) {
    out += "# HELP ";
    out += name;
    out += ' ';
    out += help;
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += type;
    out += '\n';
}

}  // namespace

void Metrics::Histogram::observe(double seconds) {
    for (size_t i = 0; i < kBuckets.size(); ++i) {
        if (seconds <= kBuckets[i]) {
            ++counts[i];
            break;
        }
    }
    ++count;
    sum += seconds;
}

Metrics::Metrics(QObject* parent) : QObject(parent) {}

void Metrics::attach(EventBus* bus) {
    bus->subscribeDirect(this, EventBus::bit(RequestEvent::Kind::Finished),
                         [this](const RequestEvent& e) { record(e); });
}

void Metrics::record(const RequestEvent& e) {
    const SeriesKey key{e.provider, e.model, e.status};
    QMutexLocker lock(&m_mutex);
    Series& s = m_series[key];
    ++s.requests;
    s.promptTokens += quint64(qMax<qint64>(e.usage.promptTokens, 0));
    s.completionTokens += quint64(qMax<qint64>(e.usage.completionTokens, 0));
    s.cachedTokens += quint64(qMax<qint64>(e.usage.cachedTokens, 0));
    s.cacheWriteTokens += quint64(qMax<qint64>(e.usage.cacheWriteTokens, 0));
    s.reasoningTokens += quint64(qMax<qint64>(e.usage.reasoningTokens, 0));
    if (e.costMicros >= 0) s.costMicros += quint64(e.costMicros);
    else ++s.unknownCost;
    if (e.usage.estimated) ++s.estimatedUsage;
    if (e.latencyMs >= 0) s.latency.observe(double(e.latencyMs) / 1000.0);
    if (e.ttfbMs >= 0) s.ttfb.observe(double(e.ttfbMs) / 1000.0);
}

QByteArray Metrics::exposition() const {
    QHash<SeriesKey, Series> series;
    {
        QMutexLocker lock(&m_mutex);
        series = m_series;  // implicitly shared: the copy is taken after the lock is released
    }
    // Stable output order, so scrapes diff cleanly.
    QList<SeriesKey> keys = series.keys();
    std::sort(keys.begin(), keys.end(), [](const SeriesKey& a, const SeriesKey& b) {
        return std::tie(a.provider, a.model, a.status) < std::tie(b.provider, b.model, b.status);
    });
    auto labels = [](const SeriesKey& k, bool withStatus) {
        QByteArray l = "provider=\"" + escapeLabel(k.provider) + "\",model=\"" + escapeLabel(k.model) + '"';
        if (withStatus) l += ",status=\"" + QByteArray::number(k.status) + '"';
        return l;
    };

    QByteArray out;
    header(out, "agentrouter_requests_total", "counter", "Finished requests by provider, model and HTTP status.");
    for (const SeriesKey& k : keys)
        out += "agentrouter_requests_total{" + labels(k, true) + "} " + QByteArray::number(series[k].requests) + '\n';

    header(out, "agentrouter_tokens_total", "counter",
           "Tokens by type, in OpenAI semantics (prompt includes cached and cache_write; completion includes reasoning).");
    for (const SeriesKey& k : keys) {
        const Series& s = series[k];
        const std::pair<const char*, quint64> types[] = {{"prompt", s.promptTokens},
                                                         {"cached", s.cachedTokens},
                                                         {"cache_write", s.cacheWriteTokens},
                                                         {"completion", s.completionTokens},
                                                         {"reasoning", s.reasoningTokens}};
        for (const auto& [type, n] : types)
            out += "agentrouter_tokens_total{" + labels(k, true) + ",type=\"" + type + "\"} " +
                   QByteArray::number(n) + '\n';
    }

    header(out, "agentrouter_cost_usd_total", "counter", "Cost of requests with a known price, in US dollars.");
    for (const SeriesKey& k : keys)
        out += "agentrouter_cost_usd_total{" + labels(k, true) + "} " + number(double(series[k].costMicros) / 1e6) + '\n';

    header(out, "agentrouter_unknown_cost_requests_total", "counter",
           "Requests that consumed tokens at an unknown price (not counted as $0).");
    for (const SeriesKey& k : keys)
        out += "agentrouter_unknown_cost_requests_total{" + labels(k, true) + "} " +
               QByteArray::number(series[k].unknownCost) + '\n';

    header(out, "agentrouter_estimated_usage_requests_total", "counter",
           "Requests whose token counts were estimated because the provider gave none.");
    for (const SeriesKey& k : keys)
        out += "agentrouter_estimated_usage_requests_total{" + labels(k, true) + "} " +
               QByteArray::number(series[k].estimatedUsage) + '\n';

    auto histogram = [&](const char* name, const char* help, Histogram Series::*member) {
        header(out, name, "histogram", help);
        for (const SeriesKey& k : keys) {
            const Histogram& h = series[k].*member;
            if (h.count == 0) continue;
            const QByteArray l = labels(k, true);
            quint64 cumulative = 0;
            for (size_t i = 0; i < kBuckets.size(); ++i) {
                cumulative += h.counts[i];
                out += QByteArray(name) + "_bucket{" + l + ",le=\"" + number(kBuckets[i]) + "\"} " +
                       QByteArray::number(cumulative) + '\n';
            }
            out += QByteArray(name) + "_bucket{" + l + ",le=\"+Inf\"} " + QByteArray::number(h.count) + '\n';
            out += QByteArray(name) + "_sum{" + l + "} " + number(h.sum) + '\n';
            out += QByteArray(name) + "_count{" + l + "} " + QByteArray::number(h.count) + '\n';
        }
    };
    histogram("agentrouter_request_duration_seconds", "Time from request to the last byte of the answer.",
              &Series::latency);
    histogram("agentrouter_time_to_first_byte_seconds",
              "Time from request to the first byte of the answer sent to the client.", &Series::ttfb);
    return out;
}

}  // namespace ar
