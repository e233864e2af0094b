#include "events/EventBus.h"

#include <QMutex>
#include <QTimer>
#include <vector>

#include "events/EventRecord.h"

namespace ar {

// One queued subscriber's pending events, shared with the posted delivery so either may
// outlive the other. Posting to `context` is safe until its destructor's `destroyed` signal
// has unsubscribed it (which waits for publishes in flight); QObject drops the events posted
// to it after that signal.
//
// Events wait as flat records (event_record) in one buffer that is swapped, not freed, at each
// delivery: the proxy thread allocates nothing per event and the window's thread frees
// nothing the proxy thread allocated.
struct EventBus::Queue : std::enable_shared_from_this<Queue> {
    QMutex mutex;
    std::vector<char> records;  // from `head` on
    size_t head = 0;
    size_t count = 0;
    qsizetype bytes = 0;  // of their payloads
    bool posted = false;
    QObject* context = nullptr;
    QueuedHandler handler;
    int gatherMs = 0;
    bool payloads = true;
    // The context's thread only.
    std::vector<char> spare;
    event_record::StringCache strings;

    static constexpr size_t kKeptCapacity = 4 * 1024 * 1024;  // a spare buffer past this is freed

    void push(const RequestEvent& e) {
        {
            QMutexLocker lock(&mutex);
            event_record::append(records, e, payloads);
            ++count;
            if (payloads) bytes += e.payload.size();
            while (count > kMaxQueuedEvents || bytes > kMaxQueuedBytes) {
                bytes -= event_record::payloadSize(records.data(), head);
                head += event_record::recordSize(records.data(), head);
                --count;
            }
            if (head > records.size() / 2) {  // dropped records: reclaim their room now and then
                records.erase(records.begin(), records.begin() + std::ptrdiff_t(head));
                head = 0;
            }
            if (posted) return;
            posted = true;
        }
        QMetaObject::invokeMethod(context, [self = shared_from_this()] {
            if (self->gatherMs <= 0) return self->deliver();
            QTimer::singleShot(self->gatherMs, self->context, [self] { self->deliver(); });
        }, Qt::QueuedConnection);
    }

    void deliver() {  // on the context's thread
        std::vector<char> batch;
        batch.swap(spare);  // a handler that spins the event loop may deliver again meanwhile
        size_t at = 0;
        {
            QMutexLocker lock(&mutex);
            batch.swap(records);
            at = head;
            head = count = 0;
            bytes = 0;
            posted = false;
        }
        while (at < batch.size()) {
            RequestEvent e;
            at = event_record::read(batch.data(), at, e, strings);
            handler(std::move(e));
        }
        batch.clear();
        if (batch.capacity() <= kKeptCapacity && spare.capacity() < batch.capacity()) spare.swap(batch);
    }
};

EventBus::EventBus(QObject* parent) : QObject(parent) {}

EventBus::~EventBus() = default;

void EventBus::subscribeDirect(QObject* context, unsigned kinds, Handler handler) {
    add(Subscriber{context, kinds, std::move(handler), nullptr});
}

void EventBus::subscribeQueued(QObject* context, unsigned kinds, QueuedHandler handler, int gatherMs,
                               Payloads payloads) {
    auto queue = std::make_shared<Queue>();
    queue->gatherMs = gatherMs;
    queue->payloads = payloads == Payloads::Keep;
    queue->context = context;
    queue->handler = std::move(handler);
    add(Subscriber{context, kinds, nullptr, std::move(queue)});
}

void EventBus::add(Subscriber s) {
    QObject* context = s.context;
    {
        QWriteLocker lock(&m_lock);
        m_subscribers.push_back(std::move(s));
    }
    updateWanted();
    // A backstop for contexts that do not unsubscribe themselves; direct subscribers should,
    // in their destructor, since their members are gone by the time QObject's runs.
    connect(context, &QObject::destroyed, this, [this, context] { unsubscribe(context); }, Qt::DirectConnection);
}

void EventBus::unsubscribe(QObject* context) {
    {
        QWriteLocker lock(&m_lock);
        std::erase_if(m_subscribers, [context](const Subscriber& s) { return s.context == context; });
    }
    updateWanted();
}

void EventBus::updateWanted() {
    QReadLocker lock(&m_lock);
    unsigned wanted = 0;
    for (const Subscriber& s : m_subscribers) wanted |= s.kinds;
    m_wanted.store(wanted, std::memory_order_relaxed);
}

void EventBus::publish(const RequestEvent& event) {
    const unsigned kind = bit(event.kind);
    QReadLocker lock(&m_lock);
    for (const Subscriber& s : m_subscribers) {
        if (!(s.kinds & kind)) continue;
        if (s.direct) s.direct(event);
        else s.queue->push(event);
    }
}

}  // namespace ar
