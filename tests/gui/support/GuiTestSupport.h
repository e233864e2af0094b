#pragma once

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QThread>
#include <functional>

#include "events/RequestEvent.h"
#include "support/WaitUntil.h"
#include "usage/UsageQueries.h"

namespace ar::gui::test {

using ar::test::waitUntil;

inline RequestEvent started(quint64 id, const QString& model, const QString& key = QStringLiteral("laptop"),
                            bool stream = true, qint64 ts = 1700000000000) {
    RequestEvent e;
    e.kind = RequestEvent::Kind::Started;
    e.requestId = id;
    e.timestampMs = ts;
    e.method = QStringLiteral("POST");
    e.path = QStringLiteral("/v1/chat/completions");
    e.keyId = QStringLiteral("k") + key;
    e.keyName = key;
    e.model = model;
    e.stream = stream;
    e.payload = QStringLiteral(R"({"model":"%1","stream":%2,"messages":[{"role":"user","content":"Say hello"}]})")
                    .arg(model, stream ? QStringLiteral("true") : QStringLiteral("false"))
                    .toUtf8();
    return e;
}

inline RequestEvent firstByte(quint64 id, const QString& provider, const QString& upstream, qint64 ttfb,
                              qint64 ts = 1700000000300) {
    RequestEvent e;
    e.kind = RequestEvent::Kind::FirstByte;
    e.requestId = id;
    e.timestampMs = ts;
    e.provider = provider;
    e.upstreamModel = upstream;
    e.ttfbMs = ttfb;
    return e;
}

inline QByteArray sseChunk(const QStringList& pieces) {
    QByteArray out;
    for (const QString& p : pieces) {
        QString escaped = p;
        escaped.replace(QLatin1Char('"'), QLatin1String("\\\""));
        out += "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" +
               escaped.toUtf8() + "\"}}]}\n\n";
    }
    return out;
}

inline RequestEvent delta(quint64 id, const QStringList& pieces, qint64 ts = 1700000000400) {
    RequestEvent e;
    e.kind = RequestEvent::Kind::Delta;
    e.requestId = id;
    e.timestampMs = ts;
    e.payload = sseChunk(pieces);
    return e;
}

inline RequestEvent finished(quint64 id, int status, qint64 prompt, qint64 completion, qint64 latency = 1200,
                             qint64 ts = 1700000001200) {
    RequestEvent e;
    e.kind = RequestEvent::Kind::Finished;
    e.requestId = id;
    e.timestampMs = ts;
    e.status = status;
    e.latencyMs = latency;
    e.usage.promptTokens = prompt;
    e.usage.completionTokens = completion;
    e.costMicros = -1;  // not priced unless a test says so
    return e;
}

// A UsageQueries answering from a fixed list of buckets; records what it was asked.
class FakeUsageQueries : public UsageQueries {
public:
    QList<UsageBucket> data;    // daily buckets; `group` is returned whatever the grouping
    QList<UsageBucket> hourly;  // hourly buckets (empty: `data` serves both)
    QByteArray csv = "time,model\n";
    std::atomic<int> calls{0};
    UsageGroupBy lastGroupBy = UsageGroupBy::None;
    UsageGranularity lastGranularity = UsageGranularity::Day;
    QDateTime lastFrom, lastTo;

    QList<UsageBucket> buckets(const QDateTime& from, const QDateTime& to, UsageGranularity g,
                               UsageGroupBy groupBy) override {
        ++calls;
        lastFrom = from;
        lastTo = to;
        lastGranularity = g;
        lastGroupBy = groupBy;
        QList<UsageBucket> out;
        for (const UsageBucket& b : (g == UsageGranularity::Hour && !hourly.isEmpty() ? hourly : data))
            if (b.start >= from && b.start < to) out.append(b);
        return out;
    }
    // totals(): the sum of `spends` (key id, time, micro-dollars) in the range.
    struct Spend {
        QString keyId;
        QDateTime at;
        qint64 costMicros;
        qint64 tokens = 0;
    };
    QList<Spend> spends;
    UsageBucket totals(const QDateTime& from, const QDateTime& to, const QString& keyId = {}) override {
        UsageBucket b;
        for (const Spend& s : spends)
            if ((keyId.isEmpty() || s.keyId == keyId) && s.at >= from && s.at < to) {
                ++b.requests;
                b.costMicros += s.costMicros;
                b.promptTokens += s.tokens;
            }
        return b;
    }
    QList<UsageBucket> top(const QDateTime&, const QDateTime&, UsageGroupBy, int) override { return {}; }
    QList<LedgerRow> requests(int, qint64 = 0) override { return {}; }
    QByteArray exportCsv(const QDateTime&, const QDateTime&) override { return csv; }
    QByteArray exportJson(const QDateTime&, const QDateTime&) override { return "[]"; }
};

inline UsageBucket bucket(const QDateTime& start, const QString& group, qint64 prompt, qint64 completion,
                          qint64 costMicros, qint64 requests = 1) {
    UsageBucket b;
    b.start = start;
    b.group = group;
    b.requests = requests;
    b.promptTokens = prompt;
    b.completionTokens = completion;
    b.costMicros = costMicros;
    return b;
}

}  // namespace ar::gui::test
