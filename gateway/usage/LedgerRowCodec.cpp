#include "usage/LedgerRowCodec.h"

#include <QSqlQuery>
#include <algorithm>
#include <charconv>
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

namespace {

constexpr int kJournalFields = 24;  // tag, uid and the 22 columns

void appendEscapedByte(QByteArray& out, char c) {
    if (c == '\\') out.append("\\\\", 2);
    else if (c == '\t') out.append("\\t", 2);
    else if (c == '\n') out.append("\\n", 2);
    else out.append(c);
}

// Appends `s` as escaped UTF-8; ASCII (ids, model names) without a temporary conversion.
void appendEscaped(QByteArray& out, const QString& s) {
    // Ids and model names are plain ASCII: copy them in one go, no conversion, no escapes.
    const bool plain = std::all_of(s.begin(), s.end(), [](QChar ch) {
        const char16_t c = ch.unicode();
        return c < 0x80 && c != '\\' && c != '\t' && c != '\n';
    });
    if (plain) {
        const qsizetype at = out.size();
        out.resize(at + s.size());
        char* d = out.data() + at;
        for (QChar ch : s) *d++ = char(ch.unicode());
        return;
    }
    for (char c : s.toUtf8()) appendEscapedByte(out, c);
}

void appendNumber(QByteArray& out, qint64 n) {
    char buf[24];
    const auto end = std::to_chars(buf, buf + sizeof buf, n).ptr;
    out.append(buf, end - buf);
}

QString unescaped(QByteArrayView field) {
    QByteArray out;
    out.reserve(field.size());
    for (qsizetype i = 0; i < field.size(); ++i) {
        char c = field[i];
        if (c == '\\' && i + 1 < field.size()) {
            const char n = field[++i];
            c = n == 't' ? '\t' : n == 'n' ? '\n' : n;
        }
        out += c;
    }
    return QString::fromUtf8(out);
}

}  // namespace

QByteArray journalLine(const QString& uid, const LedgerRow& r) {
    QByteArray out;
    out.reserve(256);
    auto text = [&out](const QString& s) {
        out += '\t';
        appendEscaped(out, s);
    };
    auto num = [&out](qint64 n) {
        out += '\t';
        appendNumber(out, n);
    };
    out += "J1";
    text(uid);
    num(r.time.toMSecsSinceEpoch());
    text(r.keyId);
    text(r.endpoint);
    text(r.model);
    text(r.provider);
    text(r.upstreamModel);
    num(r.stream);
    num(r.status);
    text(r.errorCode);
    num(r.attempts);
    num(r.promptTokens);
    num(r.cachedTokens);
    num(r.cacheWriteTokens);
    num(r.completionTokens);
    num(r.reasoningTokens);
    num(r.images);
    text(r.imageSize);
    text(r.imageQuality);
    num(r.costMicros);
    num(r.usageEstimated);
    num(r.latencyMs);
    num(r.ttfbMs);
    out += '\n';
    return out;
}

QList<std::pair<QString, LedgerRow>> parseJournal(const QByteArray& journal) {
    QList<std::pair<QString, LedgerRow>> rows;
    qsizetype start = 0;
    for (qsizetype end; (end = journal.indexOf('\n', start)) >= 0; start = end + 1) {
        const QByteArrayView line(journal.constData() + start, end - start);
        QList<QByteArrayView> f;
        for (qsizetype from = 0;;) {
            const qsizetype tab = line.indexOf('\t', from);
            f.append(line.sliced(from, (tab < 0 ? line.size() : tab) - from));
            if (tab < 0) break;
            from = tab + 1;
        }
        if (f.size() != kJournalFields || f[0] != "J1") continue;
        bool ok = true;
        auto num = [&ok](QByteArrayView v) {
            bool good = false;
            const qint64 n = v.toLongLong(&good);
            ok &= good;
            return n;
        };
        int c = 1;
        const QString uid = unescaped(f[c++]);
        LedgerRow r;
        r.time = QDateTime::fromMSecsSinceEpoch(num(f[c++]), Qt::UTC);
        r.keyId = unescaped(f[c++]);
        r.endpoint = unescaped(f[c++]);
        r.model = unescaped(f[c++]);
        r.provider = unescaped(f[c++]);
        r.upstreamModel = unescaped(f[c++]);
        r.stream = num(f[c++]) != 0;
        r.status = int(num(f[c++]));
        r.errorCode = unescaped(f[c++]);
        r.attempts = int(num(f[c++]));
        r.promptTokens = num(f[c++]);
        r.cachedTokens = num(f[c++]);
        r.cacheWriteTokens = num(f[c++]);
        r.completionTokens = num(f[c++]);
        r.reasoningTokens = num(f[c++]);
        r.images = int(num(f[c++]));
        r.imageSize = unescaped(f[c++]);
        r.imageQuality = unescaped(f[c++]);
        r.costMicros = num(f[c++]);
        r.usageEstimated = num(f[c++]) != 0;
        r.latencyMs = num(f[c++]);
        r.ttfbMs = num(f[c++]);
        if (ok && !uid.isEmpty()) rows.append({uid, std::move(r)});
    }
    return rows;
}

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
