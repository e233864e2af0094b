#pragma once

#include <QMutex>
#include <QObject>
#include <QTimer>

#include "events/RequestEvent.h"

class QIODevice;

namespace ar {

class EventBus;

// One concise line per finished request (serve mode writes it to stderr). Keys appear only
// as their id; bodies and credentials never appear.
//
// Lines are formatted on the proxy thread and written in batches by this object's thread, at
// most kFlushMs after the first one (sooner past kFlushBytes): one write() per batch instead of
// one per request, and no wake-up of this thread per request.
//
// A proxy thread never writes and never waits for a write: the batch is taken under the lock
// and written outside it. A write can block (stderr piped to a reader that stopped) or take a
// while (a file write in a kernel that does not preempt it); requests go on meanwhile. Past
// kMaxPendingBytes waiting, lines are dropped and counted, and the next batch says how many:
// the log is not worth a gateway's memory (the usage ledger still has every request).
class AccessLog : public QObject {
    Q_OBJECT
public:
    static constexpr int kFlushMs = 50;
    static constexpr qsizetype kFlushBytes = 64 * 1024;
    static constexpr qsizetype kMaxPendingBytes = 4 * 1024 * 1024;

    AccessLog(EventBus* bus, QIODevice* out, QObject* parent = nullptr);
    ~AccessLog() override;  // writes what is left
    static QByteArray formatLine(const RequestEvent& e);
    void flush();  // this object's thread

private:
    void onFinished(const RequestEvent& e);  // any proxy thread

    EventBus* m_bus;
    QIODevice* m_out;
    QMutex m_mutex;  // the pending lines and the flags below
    QByteArray m_buffer;
    qint64 m_dropped = 0;  // lines dropped since the last batch
    bool m_flushScheduled = false;  // the timer is started, or about to be
    bool m_flushNow = false;  // an immediate flush is posted
    // The batch being written (this object's thread only); its allocation is kept for the next.
    QByteArray m_writing;
    QTimer m_timer;
};

}  // namespace ar
