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
// Lines are formatted on the proxy thread and written in batches, at most kFlushMs after
// the first one (or at once past kFlushBytes): one write() per batch instead of one per
// request, and no wake-up of this object's thread per request.
class AccessLog : public QObject {
    Q_OBJECT
public:
    static constexpr int kFlushMs = 50;
    static constexpr qsizetype kFlushBytes = 64 * 1024;

    AccessLog(EventBus* bus, QIODevice* out, QObject* parent = nullptr);
    ~AccessLog() override;  // writes what is left
    static QByteArray formatLine(const RequestEvent& e);
    void flush();

private:
    void onFinished(const RequestEvent& e);  // any proxy thread
    void flushLocked();

    EventBus* m_bus;
    QIODevice* m_out;
    QMutex m_mutex;  // the buffer, and writes to m_out
    QByteArray m_buffer;
    bool m_flushScheduled = false;
    QTimer m_timer;
};

}  // namespace ar
