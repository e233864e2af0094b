#include "models/LiveLogModel.h"

#include <QColor>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QSet>
#include <climits>
#include <vector>

#include "events/EventBus.h"
#include "models/Format.h"

namespace ar::gui {

LiveLogModel::LiveLogModel(QObject* parent) : QAbstractTableModel(parent) {
    m_timer.setInterval(kDefaultBatchIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (!m_paused) flush();
    });
}

LiveLogModel::~LiveLogModel() {
    if (m_bus) m_bus->unsubscribe(this);
}

void LiveLogModel::attach(EventBus* bus) {
    if (m_bus) m_bus->unsubscribe(this);
    m_bus = bus;
    if (!bus) return;
    // Every kind, streamed deltas included: they are built only while someone wants them.
    bus->subscribeQueued(this, EventBus::kAllKinds, [this](RequestEvent&& e) { enqueue(std::move(e)); }, kGatherMs);
}

void LiveLogModel::setMaxRows(int rows) {
    m_maxRows = qMax(1, rows);
    if (int(m_rows.size()) > m_maxRows) {
        const int excess = int(m_rows.size()) - m_maxRows;
        beginRemoveRows({}, 0, excess - 1);
        for (int i = 0; i < excess; ++i) {
            m_seqById.remove(m_rows.front().requestId);
            m_rows.pop_front();
            ++m_firstSeq;
        }
        endRemoveRows();
    }
}

qint64 LiveLogModel::now() const {
    return m_clock ? m_clock() : QDateTime::currentMSecsSinceEpoch();
}

void LiveLogModel::enqueue(RequestEvent event) {
    m_pendingBytes += event.payload.size();
    m_pending.push_back(std::move(event));
    while (int(m_pending.size()) > kMaxPendingEvents || m_pendingBytes > kMaxPendingBytes) {
        m_pendingBytes -= m_pending.front().payload.size();
        m_pending.pop_front();
        ++m_dropped;
    }
    if (!m_timer.isActive() && !m_paused) m_timer.start();
}

void LiveLogModel::setPaused(bool paused) {
    if (m_paused == paused) return;
    m_paused = paused;
    if (!paused) {
        flush();
        if (!m_timer.isActive()) m_timer.start();
    }
}

void LiveLogModel::clear() {
    beginResetModel();
    m_rows.clear();
    m_seqById.clear();
    m_pending.clear();
    m_pendingBytes = 0;
    m_firstSeq = 0;
    m_dropped = 0;
    endResetModel();
}

void LiveLogModel::flush() {
    const bool busy = m_pending.size() > kBusyBatchEvents;
    // Under a flood most new rows would be dropped again by the cap before anyone sees them:
    // find those first and skip their events (applying them parsed every answer's body).
    QSet<quint64> dropped;
    {
        std::vector<quint64> newIds;
        QSet<quint64> seen;
        for (const RequestEvent& e : m_pending) {
            if ((e.kind == RequestEvent::Kind::Started || e.kind == RequestEvent::Kind::Finished) &&
                !m_seqById.contains(e.requestId) && !seen.contains(e.requestId)) {
                seen.insert(e.requestId);
                newIds.push_back(e.requestId);
            }
        }
        for (size_t i = 0; i + size_t(m_maxRows) < newIds.size(); ++i) dropped.insert(newIds[i]);
    }
    std::vector<LiveRequest> staged;
    QHash<quint64, int> stagedIndex;
    int minDirty = INT_MAX;
    int maxDirty = -1;
    for (const RequestEvent& e : m_pending) {
        if (!dropped.isEmpty() && dropped.contains(e.requestId)) continue;
        if (auto it = m_seqById.constFind(e.requestId); it != m_seqById.constEnd()) {
            const int row = int(*it - m_firstSeq);
            apply(m_rows[size_t(row)], e);
            minDirty = qMin(minDirty, row);
            maxDirty = qMax(maxDirty, row);
        } else if (auto s = stagedIndex.constFind(e.requestId); s != stagedIndex.constEnd()) {
            apply(staged[size_t(*s)], e);
        } else if (e.kind == RequestEvent::Kind::Started || e.kind == RequestEvent::Kind::Finished) {
            // A Finished without Started is a request refused before routing (401, 404...).
            stagedIndex.insert(e.requestId, int(staged.size()));
            staged.emplace_back();
            staged.back().requestId = e.requestId;
            apply(staged.back(), e);
        }
        // Other events belong to rows already dropped by the cap or a clear: ignored.
    }
    const bool touched = !m_pending.empty();
    m_pending.clear();
    m_pendingBytes = 0;

    if (maxDirty >= 0) Q_EMIT dataChanged(index(minDirty, 0), index(maxDirty, ColumnCount - 1));

    if (!staged.empty()) {
        size_t skip = staged.size() > size_t(m_maxRows) ? staged.size() - size_t(m_maxRows) : 0;
        const int first = int(m_rows.size());
        const int count = int(staged.size() - skip);
        beginInsertRows({}, first, first + count - 1);
        for (size_t i = skip; i < staged.size(); ++i) {
            m_seqById.insert(staged[i].requestId, m_firstSeq + qint64(m_rows.size()));
            m_rows.push_back(std::move(staged[i]));
        }
        endInsertRows();
    }
    if (int(m_rows.size()) > m_maxRows) setMaxRows(m_maxRows);

    // Keep the elapsed time of running requests ticking.
    int firstRunning = -1;
    int lastRunning = -1;
    for (int row = 0; row < int(m_rows.size()); ++row) {
        if (m_rows[size_t(row)].finished) continue;
        if (firstRunning < 0) firstRunning = row;
        lastRunning = row;
    }
    const int interval = busy ? qMax(m_batchIntervalMs, kBusyBatchIntervalMs) : m_batchIntervalMs;
    if (m_timer.interval() != interval) m_timer.setInterval(interval);
    if (firstRunning >= 0) Q_EMIT dataChanged(index(firstRunning, Elapsed), index(lastRunning, Elapsed));
    else if (m_pending.empty()) m_timer.stop();
    if (touched) Q_EMIT batchApplied();
}

namespace {

void appendResponseText(LiveRequest& r, const QString& text) {
    if (text.isEmpty() || r.responseTruncated) return;
    if (r.responseText.size() + text.size() > LiveLogModel::kMaxResponseChars) {
        r.responseText += text.left(LiveLogModel::kMaxResponseChars - r.responseText.size());
        r.responseTruncated = true;
    } else {
        r.responseText += text;
    }
}

}  // namespace

void LiveLogModel::readChunks(LiveRequest& r) {
    if (r.unreadChunks.isEmpty()) return;
    int chunks = 0;
    appendResponseText(r, deltaText(r.unreadChunks, &chunks));
    r.chunks += chunks;
    r.unreadChunks.clear();
}

void LiveLogModel::apply(LiveRequest& r, const RequestEvent& e) {
    auto fill = [](QString& field, const QString& value) {
        if (field.isEmpty() && !value.isEmpty()) field = value;
    };
    fill(r.method, e.method);
    fill(r.path, e.path);
    fill(r.keyId, e.keyId);
    fill(r.keyName, e.keyName);
    fill(r.model, e.model);
    if (!e.provider.isEmpty()) r.provider = e.provider;  // changes on failover
    if (!e.upstreamModel.isEmpty()) r.upstreamModel = e.upstreamModel;
    r.stream = r.stream || e.stream;
    r.lastEventMs = qMax(r.lastEventMs, e.timestampMs);
    if (e.ttfbMs >= 0) r.ttfbMs = e.ttfbMs;

    switch (e.kind) {
    case RequestEvent::Kind::Started:
        r.startedMs = e.timestampMs;
        r.requestBody = e.payload.size() > kMaxStoredBodyBytes ? e.payload.left(kMaxStoredBodyBytes) : e.payload;
        break;
    case RequestEvent::Kind::FirstByte:
        break;
    case RequestEvent::Kind::Delta:
        r.unreadChunks += e.payload;
        if (r.unreadChunks.size() > kMaxStoredBodyBytes) readChunks(r);  // a long stream's memory stays bounded
        if (e.usage.known()) r.usage = e.usage;
        break;
    case RequestEvent::Kind::Finished:
        r.finished = true;
        r.status = e.status;
        r.errorCode = e.errorCode;
        r.latencyMs = e.latencyMs;
        if (e.usage.known()) r.usage = e.usage;
        if (r.startedMs == 0) r.startedMs = e.timestampMs - qMax<qint64>(0, e.latencyMs);
        if (!e.payload.isEmpty() && r.responseText.isEmpty() && r.unreadChunks.isEmpty())
            r.responseBody = e.payload.size() > kMaxStoredBodyBytes ? e.payload.left(kMaxStoredBodyBytes) : e.payload;
        r.costMicros = m_cost ? m_cost(r) : e.costMicros;  // the proxy prices each request
        break;
    }
}

const LiveRequest* LiveLogModel::at(int row) const {
    return row < 0 || row >= int(m_rows.size()) ? nullptr : &m_rows[size_t(row)];
}

const LiveRequest* LiveLogModel::request(int row) const {
    if (row < 0 || row >= int(m_rows.size())) return nullptr;
    // Storage, not state: the answer's text is worked out from its chunks or body on first look.
    auto& r = const_cast<LiveRequest&>(m_rows[size_t(row)]);
    readChunks(r);
    if (!r.responseBody.isEmpty()) {
        const QString text = completionText(r.responseBody);
        r.responseText = text.isEmpty() ? QString::fromUtf8(r.responseBody) : text;
        if (r.responseText.size() > kMaxResponseChars) {
            r.responseText.truncate(kMaxResponseChars);
            r.responseTruncated = true;
        }
        r.responseBody.clear();
    }
    return &r;
}

int LiveLogModel::rowOf(quint64 requestId) const {
    auto it = m_seqById.constFind(requestId);
    return it == m_seqById.constEnd() ? -1 : int(*it - m_firstSeq);
}

int LiveLogModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_rows.size());
}

int LiveLogModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

namespace {

QString statusText(const LiveRequest& r) {
    if (!r.finished) return r.ttfbMs >= 0 ? (r.stream ? QObject::tr("streaming") : QObject::tr("receiving"))
                                          : QObject::tr("waiting");
    if (r.errorCode.isEmpty()) return QString::number(r.status);
    return QStringLiteral("%1 %2").arg(r.status).arg(r.errorCode);
}

QString tokensText(const LiveRequest& r) {
    const QLocale locale;
    if (r.usage.known()) {
        return QStringLiteral("%1 / %2")
            .arg(r.usage.promptTokens >= 0 ? locale.toString(r.usage.promptTokens) : QStringLiteral("?"),
                 r.usage.completionTokens >= 0 ? locale.toString(r.usage.completionTokens) : QStringLiteral("?"));
    }
    if (r.chunks > 0) return QStringLiteral("~%1").arg(locale.toString(r.chunks));
    return r.finished ? QStringLiteral("–") : QString();
}

}  // namespace

QVariant LiveLogModel::data(const QModelIndex& index, int role) const {
    // Roles (filters, sorting) read the row as it is; only a shown token count reads its chunks
    // (storage, not state, as in request()).
    const LiveRequest* r = at(index.row());
    if (r && role == Qt::DisplayRole && index.column() == Tokens) readChunks(const_cast<LiveRequest&>(*r));
    if (!r || index.column() < 0 || index.column() >= ColumnCount) return {};
    const bool error = r->finished && (r->status >= 400 || r->status == 0);
    switch (role) {
    case RequestIdRole: return QVariant::fromValue(r->requestId);
    case KeyRole: return r->keyName.isEmpty() ? r->keyId : r->keyName;
    case ModelRole: return r->model;
    case ProviderRole: return r->provider;
    case StatusClassRole:
        return !r->finished ? QStringLiteral("running") : error ? QStringLiteral("error") : QStringLiteral("ok");
    case Qt::ForegroundRole:
        if (index.column() == Status && error) return QColor(0xd0, 0x45, 0x3a);
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() >= Tokens) return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::ToolTipRole:
        if (index.column() == Model && !r->upstreamModel.isEmpty())
            return tr("%1 → %2 / %3").arg(r->model, r->provider, r->upstreamModel);
        if (index.column() == Key) return r->keyId;
        if (index.column() == Tokens) return tr("prompt / completion tokens (~: chunks so far)");
        return {};
    case Qt::DisplayRole: break;
    default: return {};
    }
    switch (Column(index.column())) {
    case Time: return QDateTime::fromMSecsSinceEpoch(r->startedMs).toString(QStringLiteral("HH:mm:ss"));
    case Key: return r->keyName.isEmpty() ? r->keyId : r->keyName;
    case Model: return r->model.isEmpty() ? r->path : r->model;
    case Provider: return r->provider;
    case Status: return statusText(*r);
    case Tokens: return tokensText(*r);
    case Elapsed: {
        const qint64 ms = r->finished ? (r->latencyMs >= 0 ? r->latencyMs : r->lastEventMs - r->startedMs)
                                      : now() - r->startedMs;
        return formatDuration(ms);
    }
    case Ttfb: return r->ttfbMs >= 0 ? formatDuration(r->ttfbMs) : QString();
    case Cost: {
        if (!r->finished) return QString();
        return r->costMicros >= 0 ? formatCost(r->costMicros) : QStringLiteral("–");
    }
    case ColumnCount: break;
    }
    return {};
}

QVariant LiveLogModel::headerData(int section, Qt::Orientation o, int role) const {
    if (o != Qt::Horizontal) return {};
    if (role == Qt::ToolTipRole && section == Ttfb) return tr("Time to first byte sent to the client");
    if (role == Qt::ToolTipRole && section == Tokens) return tr("Prompt / completion tokens");
    if (role != Qt::DisplayRole) return {};
    switch (Column(section)) {
    case Time: return tr("Time");
    case Key: return tr("Key");
    case Model: return tr("Model");
    case Provider: return tr("Provider");
    case Status: return tr("Status");
    case Tokens: return tr("Tokens in / out");
    case Elapsed: return tr("Elapsed");
    case Ttfb: return tr("TTFB");
    case Cost: return tr("Cost");
    case ColumnCount: break;
    }
    return {};
}

QString LiveLogModel::deltaText(const QByteArray& sseChunk, int* contentChunks) {
    QString out;
    int count = 0;
    for (QByteArray line : sseChunk.split('\n')) {
        line = line.trimmed();
        if (!line.startsWith("data:")) continue;
        line = line.sliced(5).trimmed();
        if (line.isEmpty() || line == "[DONE]") continue;
        const QJsonObject chunk = QJsonDocument::fromJson(line).object();
        const QJsonArray choices = chunk.value(QLatin1String("choices")).toArray();
        if (choices.isEmpty()) continue;
        const QJsonValue content = choices.first().toObject().value(QLatin1String("delta")).toObject().value(
            QLatin1String("content"));
        if (content.isString()) {
            out += content.toString();
            ++count;
        }
    }
    if (contentChunks) *contentChunks = count;
    return out;
}

QString LiveLogModel::completionText(const QByteArray& body) {
    const QJsonObject obj = QJsonDocument::fromJson(body).object();
    const QJsonArray choices = obj.value(QLatin1String("choices")).toArray();
    if (choices.isEmpty()) return {};
    return choices.first().toObject().value(QLatin1String("message")).toObject().value(QLatin1String("content")).toString();
}

}  // namespace ar::gui
