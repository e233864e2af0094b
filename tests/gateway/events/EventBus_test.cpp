// The event bus: direct and batched delivery, kinds nobody wants, and its memory bound.
#include "events/EventBus.h"

#include <QCoreApplication>
#include <QThread>
#include <gtest/gtest.h>

namespace ar {
namespace {

RequestEvent event(RequestEvent::Kind kind, quint64 id, qsizetype payloadBytes = 0) {
    RequestEvent e;
    e.kind = kind;
    e.requestId = id;
    e.payload = QByteArray(payloadBytes, 'p');
    return e;
}

TEST(EventBus, KindsNobodySubscribedToAreNotWanted) {
    EventBus bus;
    EXPECT_FALSE(bus.wants(RequestEvent::Kind::Finished));
    {
        QObject ledger;
        bus.subscribeDirect(&ledger, EventBus::bit(RequestEvent::Kind::Finished), [](const RequestEvent&) {});
        EXPECT_TRUE(bus.wants(RequestEvent::Kind::Finished));
        EXPECT_FALSE(bus.wants(RequestEvent::Kind::Started));
        EXPECT_FALSE(bus.wants(RequestEvent::Kind::Delta));
    }
    EXPECT_FALSE(bus.wants(RequestEvent::Kind::Finished)) << "a destroyed subscriber is gone";
}

TEST(EventBus, DirectSubscribersRunOnThePublishingThreadQueuedOnesInBatchesInOrder) {
    EventBus bus;
    QObject context;  // this thread
    QThread* directThread = nullptr;
    QList<quint64> queued;
    bus.subscribeDirect(&context, EventBus::kAllKinds, [&](const RequestEvent&) { directThread = QThread::currentThread(); });
    bus.subscribeQueued(&context, EventBus::bit(RequestEvent::Kind::Finished),
                        [&](const RequestEvent& e) { queued.append(e.requestId); });
    QThread publisher;
    QObject worker;
    worker.moveToThread(&publisher);
    publisher.start();
    QMetaObject::invokeMethod(&worker, [&] {
        for (quint64 id = 1; id <= 100; ++id) {
            bus.publish(event(RequestEvent::Kind::Started, id));
            bus.publish(event(RequestEvent::Kind::Finished, id));
        }
    }, Qt::BlockingQueuedConnection);
    publisher.quit();
    publisher.wait();
    EXPECT_EQ(directThread, &publisher);
    EXPECT_TRUE(queued.isEmpty()) << "queued delivery waits for the context's event loop";
    QCoreApplication::processEvents();
    ASSERT_EQ(queued.size(), 100) << "only the kind asked for";
    for (int i = 0; i < 100; ++i) EXPECT_EQ(queued[i], quint64(i + 1));
}

TEST(EventBus, AQueuedSubscriberThatDoesNotDrainKeepsTheNewestEventsWithinTheByteBound) {
    EventBus bus;
    QObject slowWindow;
    QList<quint64> got;
    bus.subscribeQueued(&slowWindow, EventBus::kAllKinds, [&](const RequestEvent& e) { got.append(e.requestId); });
    const qsizetype mb = 1024 * 1024;
    for (quint64 id = 1; id <= 100; ++id) bus.publish(event(RequestEvent::Kind::Finished, id, mb));
    QCoreApplication::processEvents();
    const qsizetype kept = EventBus::kMaxQueuedBytes / mb;
    ASSERT_EQ(got.size(), kept);
    EXPECT_EQ(got.first(), quint64(100 - kept + 1)) << "the oldest are dropped first";
    EXPECT_EQ(got.last(), 100u);
}

TEST(EventBus, ASubscriberThatDropsPayloadsGetsEverythingElseAndOthersStillGetTheBodies) {
    EventBus bus;
    QObject counter, log;
    QList<RequestEvent> counted, logged;
    bus.subscribeQueued(&counter, EventBus::kAllKinds, [&](RequestEvent&& e) { counted.append(std::move(e)); }, 0,
                        EventBus::Payloads::Drop);
    bus.subscribeQueued(&log, EventBus::kAllKinds, [&](RequestEvent&& e) { logged.append(std::move(e)); });
    RequestEvent e = event(RequestEvent::Kind::Finished, 42, 100);
    e.costMicros = 1234;
    e.model = QStringLiteral("gpt-4o-mini");
    bus.publish(e);
    QCoreApplication::processEvents();
    ASSERT_EQ(counted.size(), 1);
    ASSERT_EQ(logged.size(), 1);
    EXPECT_TRUE(counted[0].payload.isEmpty());
    EXPECT_EQ(counted[0].requestId, 42u);
    EXPECT_EQ(counted[0].costMicros, 1234);
    EXPECT_EQ(counted[0].model, QStringLiteral("gpt-4o-mini"));
    EXPECT_EQ(logged[0].payload, QByteArray(100, 'p'));

    // Nor do dropped payloads count against the byte bound: every event is kept.
    for (quint64 id = 1; id <= 40; ++id) bus.publish(event(RequestEvent::Kind::Finished, id, 1024 * 1024));
    QCoreApplication::processEvents();
    EXPECT_EQ(counted.size(), 41);
    EXPECT_EQ(logged.size(), 1 + EventBus::kMaxQueuedBytes / (1024 * 1024));
}

TEST(EventBus, AQueuedSubscriberThatDoesNotDrainKeepsTheNewestEventsWithinTheCountBound) {
    EventBus bus;
    QObject slowWindow;
    QList<RequestEvent> got;
    bus.subscribeQueued(&slowWindow, EventBus::kAllKinds, [&](RequestEvent&& e) { got.append(std::move(e)); });
    const quint64 published = EventBus::kMaxQueuedEvents * 3 + 17;
    for (quint64 id = 1; id <= published; ++id) {
        RequestEvent e = event(RequestEvent::Kind::Finished, id, 3);
        e.model = QStringLiteral("model-%1").arg(id % 3);
        bus.publish(e);
    }
    QCoreApplication::processEvents();
    ASSERT_EQ(got.size(), qsizetype(EventBus::kMaxQueuedEvents));
    for (qsizetype i = 0; i < got.size(); ++i) {  // the newest, in order, each whole
        const quint64 id = published - EventBus::kMaxQueuedEvents + 1 + quint64(i);
        ASSERT_EQ(got[i].requestId, id);
        ASSERT_EQ(got[i].model, QStringLiteral("model-%1").arg(id % 3));
        ASSERT_EQ(got[i].payload, QByteArray("ppp"));
    }

    bus.publish(event(RequestEvent::Kind::Finished, published + 1));  // and it goes on after a drop
    QCoreApplication::processEvents();
    ASSERT_EQ(got.size(), qsizetype(EventBus::kMaxQueuedEvents) + 1);
    EXPECT_EQ(got.last().requestId, published + 1);
}

}  // namespace
}  // namespace ar
