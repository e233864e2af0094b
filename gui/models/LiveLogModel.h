#pragma once

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QPointer>
#include <QTimer>
#include <deque>
#include <functional>

#include "events/RequestEvent.h"

namespace ar {
class EventBus;
}

namespace ar::gui {

// One request as the live log shows it, assembled from its Started / FirstByte / Delta /
// Finished events.
struct LiveRequest {
    quint64 requestId = 0;
    qint64 startedMs = 0;
    qint64 lastEventMs = 0;
    QString method;
    QString path;
    QString keyId;
    QString keyName;
    QString model;
    QString provider;
    QString upstreamModel;
    bool stream = false;
    bool finished = false;
    int status = 0;
    QString errorCode;
    Usage usage;
    qint64 chunks = 0;       // content-bearing stream chunks seen (a token estimate while streaming)
    // Stream chunks not read yet into chunks and responseText: they are read when the row is
    // shown or looked at, since under load most rows scroll away unseen (parsing every chunk
    // of every stream cost the window more than the gateway spent relaying it).
    QByteArray unreadChunks;
    qint64 latencyMs = -1;
    qint64 ttfbMs = -1;
    qint64 costMicros = -1;  // -1: unknown
    QByteArray requestBody;  // the first kMaxStoredBodyBytes
    QString responseText;    // assistant text, growing with each Delta
    bool responseTruncated = false;
    // A whole answer's body (first kMaxStoredBodyBytes), turned into responseText only when
    // someone looks at the row: most rows of a busy log scroll away unread.
    QByteArray responseBody;
};

// The live log: a bounded table of the most recent requests, fed by EventBus events.
// Events are queued and applied in batches on a short timer, so a burst of thousands of
// events per second costs a few model resets per second, not one per event; rows beyond
// the cap are dropped from the top (the ledger keeps the full history).
class LiveLogModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Time, Key, Model, Provider, Status, Tokens, Elapsed, Ttfb, Cost, ColumnCount };
    enum Role {
        RequestIdRole = Qt::UserRole + 1,
        KeyRole,        // key name, else key id
        ModelRole,
        ProviderRole,
        StatusClassRole  // "running", "ok" or "error"
    };

    static constexpr int kDefaultMaxRows = 1000;
    static constexpr int kDefaultBatchIntervalMs = 75;
    static constexpr int kMaxPendingEvents = 50000;   // while paused: older events are dropped
    static constexpr qsizetype kMaxPendingBytes = 16 * 1024 * 1024;  // ... and their bodies at most this
    // A batch this large means more rows than anyone can read: the next one comes after
    // kBusyBatchIntervalMs instead, so a flood of requests costs a few repaints a second, not
    // a dozen (each one re-lays out the table and goes through the display server).
    static constexpr int kBusyBatchEvents = 256;
    static constexpr int kBusyBatchIntervalMs = 400;
    static constexpr int kGatherMs = 25;  // events reach this thread at most this late (EventBus)
    static constexpr qsizetype kMaxResponseChars = 64 * 1024;
    static constexpr qsizetype kMaxStoredBodyBytes = 16 * 1024;

    using Clock = std::function<qint64()>;  // ms since epoch
    using CostFunction = std::function<qint64(const LiveRequest&)>;  // micro-dollars, -1 unknown

    explicit LiveLogModel(QObject* parent = nullptr);
    ~LiveLogModel() override;

    // Subscribes to `bus` (and asks it for per-chunk deltas while attached).
    void attach(EventBus* bus);
    void setMaxRows(int rows);
    int maxRows() const { return m_maxRows; }
    void setBatchInterval(int ms) {
        m_batchIntervalMs = ms;
        m_timer.setInterval(ms);
    }
    int currentBatchInterval() const { return m_timer.interval(); }
    void setClock(Clock clock) { m_clock = std::move(clock); }
    void setCostFunction(CostFunction f) { m_cost = std::move(f); }

    // Queues one event; applied at the next batch.
    void enqueue(RequestEvent event);  // moved in: the bus hands over its own copy
    // Applies every queued event now (the timer calls this; tests may too).
    void flush();

    void setPaused(bool paused);
    bool paused() const { return m_paused; }
    void clear();
    int pendingCount() const { return int(m_pending.size()); }
    qint64 droppedWhilePaused() const { return m_dropped; }

    // A row with its answer read (its chunks or body turned into text): for showing it.
    const LiveRequest* request(int row) const;
    int rowOf(quint64 requestId) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

    // Assistant text carried by an SSE chunk ("data: {...}\n\n", possibly several events).
    // `contentChunks` counts the events that carried text (a token estimate while streaming).
    static QString deltaText(const QByteArray& sseChunk, int* contentChunks = nullptr);
    // Assistant text of a non-streamed chat completion body.
    static QString completionText(const QByteArray& body);

Q_SIGNALS:
    // Emitted after each applied batch that touched something.
    void batchApplied();

private:
    void apply(LiveRequest& r, const RequestEvent& e);
    static void readChunks(LiveRequest& r);  // unreadChunks into chunks and responseText
    const LiveRequest* at(int row) const;     // as it is, nothing read
    LiveRequest* find(quint64 requestId, bool* staged);
    qint64 now() const;

    QPointer<EventBus> m_bus;
    std::deque<LiveRequest> m_rows;
    QHash<quint64, qint64> m_seqById;  // request id -> sequence number (row = seq - m_firstSeq)
    qint64 m_firstSeq = 0;
    QList<RequestEvent> m_pending;  // reuses its storage from batch to batch
    qsizetype m_pendingBytes = 0;
    QTimer m_timer;
    int m_batchIntervalMs = kDefaultBatchIntervalMs;
    int m_maxRows = kDefaultMaxRows;
    bool m_paused = false;
    qint64 m_dropped = 0;
    Clock m_clock;
    CostFunction m_cost;
};

}  // namespace ar::gui
