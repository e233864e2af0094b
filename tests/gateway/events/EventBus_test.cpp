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

}  // namespace
}  // namespace ar
