#include "usage/LedgerRowCodec.h"

#include <QSqlQuery>
#include <QTimeZone>
#include <QVariant>

#include "usage/CostCalculator.h"

namespace ar::ledger_row {

LedgerRow fromEvent(const RequestEvent& e) {
    LedgerRow r;
    r.time = QDateTime::fromMSecsSinceEpoch(e.timestampMs, Qt::UTC);
    r.keyId = e.keyId;
    r.endpoint = e.path;
    r.model = e.model;
    r.provider = e.provider;
    r.upstreamModel = e.upstreamModel;
    r.stream = e.stream;
    r.status = e.status;
    r.errorCode = e.errorCode;
    r.attempts = e.attempts;
    r.promptTokens = qMax<qint64>(e.usage.promptTokens, 0);
    r.cachedTokens = e.usage.cachedTokens;
    r.cacheWriteTokens = e.usage.cacheWriteTokens;
    r.completionTokens = qMax<qint64>(e.usage.completionTokens, 0);
    r.reasoningTokens = e.usage.reasoningTokens;
    r.images = e.images;
    r.imageSize = e.imageSize;
    r.imageQuality = e.imageQuality;
    r.costMicros = e.costMicros;
    r.usageEstimated = e.usage.estimated;
    r.latencyMs = e.latencyMs;
    r.ttfbMs = e.ttfbMs;
    return r;
}

QJsonObject toJson(const LedgerRow& r) {
    QJsonObject o{{QStringLiteral("time"), r.time.toUTC().toString(Qt::ISODateWithMs)},
                  {QStringLiteral("ts_ms"), r.time.toMSecsSinceEpoch()},
                  {QStringLiteral("key_id"), r.keyId},
                  {QStringLiteral("endpoint"), r.endpoint},
                  {QStringLiteral("model"), r.model},
                  {QStringLiteral("provider"), r.provider},
                  {QStringLiteral("upstream_model"), r.upstreamModel},
                  {QStringLiteral("stream"), r.stream},
                  {QStringLiteral("status"), r.status},
                  {QStringLiteral("error_code"), r.errorCode},
                  {QStringLiteral("attempts"), r.attempts},
                  {QStringLiteral("prompt_tokens"), r.promptTokens},
                  {QStringLiteral("cached_tokens"), r.cachedTokens},
                  {QStringLiteral("cache_write_tokens"), r.cacheWriteTokens},
                  {QStringLiteral("completion_tokens"), r.completionTokens},
                  {QStringLiteral("reasoning_tokens"), r.reasoningTokens},
                  {QStringLiteral("images"), r.images},
                  {QStringLiteral("image_size"), r.imageSize},
                  {QStringLiteral("image_quality"), r.imageQuality},
                  {QStringLiteral("cost_micros"), r.costMicros},
                  {QStringLiteral("cost_usd"), r.costMicros < 0 ? QJsonValue(QJsonValue::Null)
                                                                : QJsonValue(double(r.costMicros) / 1e6)},
                  {QStringLiteral("usage_estimated"), r.usageEstimated},
                  {QStringLiteral("latency_ms"), r.latencyMs},
                  {QStringLiteral("ttfb_ms"), r.ttfbMs}};
    if (r.id > 0) o.insert(QStringLiteral("id"), r.id);
    return o;
}

LedgerRow read(const QSqlQuery& q) {
    int c = 0;
    auto next = [&q, &c] { return q.value(c++); };
    LedgerRow r;
    r.id = next().toLongLong();
    r.time = QDateTime::fromMSecsSinceEpoch(next().toLongLong(), Qt::UTC);
    r.keyId = next().toString();
    r.endpoint = next().toString();
    r.model = next().toString();
    r.provider = next().toString();
    r.upstreamModel = next().toString();
    r.stream = next().toInt() != 0;
    r.status = next().toInt();
    r.errorCode = next().toString();
    r.attempts = next().toInt();
    r.promptTokens = next().toLongLong();
    r.cachedTokens = next().toLongLong();
    r.cacheWriteTokens = next().toLongLong();
    r.completionTokens = next().toLongLong();
    r.reasoningTokens = next().toLongLong();
    r.images = next().toInt();
    r.imageSize = next().toString();
    r.imageQuality = next().toString();
    r.costMicros = next().toLongLong();
    r.usageEstimated = next().toInt() != 0;
    r.latencyMs = next().toLongLong();
    r.ttfbMs = next().toLongLong();
    return r;
}

namespace {
QByteArray csvField(const QString& s) {
    QByteArray b = s.toUtf8();
    if (b.contains(',') || b.contains('"') || b.contains('\n') || b.contains('\r'))
        b = '"' + b.replace("\"", "\"\"") + '"';
    return b;
}
}  // namespace

QByteArray csvHeader() {
    return "id,time,key_id,endpoint,model,provider,upstream_model,stream,status,error_code,attempts,"
           "prompt_tokens,cached_tokens,cache_write_tokens,completion_tokens,reasoning_tokens,images,"
           "image_size,image_quality,cost_usd,usage_estimated,latency_ms,ttfb_ms\r\n";
}

QByteArray csvLine(const LedgerRow& r) {
    QByteArrayList f;
    f << QByteArray::number(r.id) << r.time.toUTC().toString(Qt::ISODateWithMs).toUtf8() << csvField(r.keyId)
      << csvField(r.endpoint) << csvField(r.model) << csvField(r.provider) << csvField(r.upstreamModel)
      << (r.stream ? "true" : "false") << QByteArray::number(r.status) << csvField(r.errorCode)
      << QByteArray::number(r.attempts) << QByteArray::number(r.promptTokens)
      << QByteArray::number(r.cachedTokens) << QByteArray::number(r.cacheWriteTokens)
      << QByteArray::number(r.completionTokens) << QByteArray::number(r.reasoningTokens)
      << QByteArray::number(r.images) << csvField(r.imageSize) << csvField(r.imageQuality)
      << (r.costMicros < 0 ? QByteArray() : formatUsd(r.costMicros))  // empty: unknown, not $0
      << (r.usageEstimated ? "true" : "false") << QByteArray::number(r.latencyMs)
      << QByteArray::number(r.ttfbMs);
    return f.join(',') + "\r\n";
}

}  // namespace ar::ledger_row
