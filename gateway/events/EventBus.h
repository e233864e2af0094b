#pragma once

#include <QObject>
#include <QReadWriteLock>
#include <atomic>
#include <functional>
#include <memory>
#include <vector>

#include "events/RequestEvent.h"

namespace ar {

// Fan-out of request events from the proxy threads.
//
// A direct subscriber runs on the publishing proxy thread, before the response's last bytes
// leave (the ledger journal, counters): it must be thread-safe and quick. A queued subscriber
// gets events on its context object's thread, in order and in batches: the first event after
// a delivery posts one wake-up, and that delivery carries every event published since. Per
// request that is at most one cross-thread wake-up per subscriber instead of one per event.
//
// Kinds nobody subscribed to are not built at all (wants()): with no window open, Started,
// FirstByte and Delta events cost nothing.
class EventBus : public QObject {
    Q_OBJECT
public:
    using Handler = std::function<void(const RequestEvent&)>;
    // A queued subscriber gets its own copy of each event: it may move it away.
    using QueuedHandler = std::function<void(RequestEvent&&)>;
    static constexpr qsizetype kMaxPayloadBytes = 16 * 1024;  // what the live log keeps of a body
    // A queued subscriber whose thread stops draining (a hung window) keeps at most this many
    // events; older ones are dropped first.
    static constexpr size_t kMaxQueuedEvents = 20'000;
    static constexpr qsizetype kMaxQueuedBytes = 16 * 1024 * 1024;  // of payloads, likewise

    static constexpr unsigned bit(RequestEvent::Kind kind) { return 1u << unsigned(kind); }
    static constexpr unsigned kAllKinds = 0xF;

    explicit EventBus(QObject* parent = nullptr);
    ~EventBus() override;

    // `kinds` is a mask of bit(Kind). Both end when `context` is destroyed or unsubscribe()d.
    // Handlers must not subscribe or unsubscribe from inside a delivery.
    void subscribeDirect(QObject* context, unsigned kinds, Handler handler);
    // `gatherMs` > 0: a delivery comes at most that long after the first event it carries,
    // so a busy proxy wakes a window's thread a few dozen times a second, not per request.
    // Payloads::Drop: the subscriber gets events without their bodies (not copied at all).
    enum class Payloads { Keep, Drop };
    void subscribeQueued(QObject* context, unsigned kinds, QueuedHandler handler, int gatherMs = 0,
                         Payloads payloads = Payloads::Keep);
    // Waits for direct deliveries in flight on other threads, so the context can go away.
    void unsubscribe(QObject* context);

    void publish(const RequestEvent& event);
    bool wants(RequestEvent::Kind kind) const {
        return m_wanted.load(std::memory_order_relaxed) & bit(kind);
    }

private:
    struct Queue;
    struct Subscriber {
        QObject* context;
        unsigned kinds;
        Handler direct;                // set for direct subscribers
        std::shared_ptr<Queue> queue;  // set for queued ones
    };
    void add(Subscriber s);
    void updateWanted();

    mutable QReadWriteLock m_lock;  // publish reads, (un)subscribe writes
    std::vector<Subscriber> m_subscribers;
    std::atomic<unsigned> m_wanted{0};
};

}  // namespace ar
