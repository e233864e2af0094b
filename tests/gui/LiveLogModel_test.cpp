#include <gtest/gtest.h>

#include <QCoreApplication>

#include "events/EventBus.h"
#include "models/LiveLogFilterModel.h"
#include "models/LiveLogModel.h"
#include "models/Snippets.h"
#include "pages/LiveLogPage.h"
#include "models/GatewayController.h"
#include "support/GuiTestSupport.h"

using namespace ar;
using namespace ar::gui;
using namespace ar::gui::test;

namespace {

QString cell(const LiveLogModel& m, int row, int column) {
    return m.index(row, column).data().toString();
}

// A model fed by a real EventBus whose timer never fires on its own: tests flush by hand.
struct Fixture {
    EventBus bus;
    LiveLogModel model;
    Fixture() {
        model.setBatchInterval(60 * 60 * 1000);
        model.setClock([] { return qint64(1700000000500); });
        model.attach(&bus);
    }
    // The bus delivers to the model's thread in batches (LiveLogModel::kGatherMs): wait for it.
    void publish(const RequestEvent& e) {
        const int before = model.pendingCount();
        bus.publish(e);
        EXPECT_TRUE(waitUntil([&] { return model.pendingCount() > before; }, 5000));
    }
};

}  // namespace

TEST(LiveLogModel, AttachTurnsOnDeltas) {
    EventBus bus;
    {
        LiveLogModel model;
        EXPECT_FALSE(bus.wants(RequestEvent::Kind::Delta));
        model.attach(&bus);
        EXPECT_TRUE(bus.wants(RequestEvent::Kind::Delta));
    }
    EXPECT_FALSE(bus.wants(RequestEvent::Kind::Delta));
}

TEST(LiveLogModel, RowAppearsOnStartedAndUpdatesThroughItsLife) {
    Fixture f;
    f.publish(started(1, QStringLiteral("gpt-4o-mini")));
    EXPECT_EQ(f.model.rowCount(), 0) << "events are applied in batches, not one by one";
    f.model.flush();
    ASSERT_EQ(f.model.rowCount(), 1);
    EXPECT_EQ(cell(f.model, 0, LiveLogModel::Model), QStringLiteral("gpt-4o-mini"));
    EXPECT_EQ(cell(f.model, 0, LiveLogModel::Key), QStringLiteral("laptop"));
    EXPECT_EQ(cell(f.model, 0, LiveLogModel::Status), QStringLiteral("waiting"));
    EXPECT_EQ(cell(f.model, 0, LiveLogModel::Elapsed), QStringLiteral("500 ms"));

    f.publish(firstByte(1, QStringLiteral("openai"), QStringLiteral("gpt-4o-mini-2024"), 310));
    f.publish(delta(1, {QStringLiteral("Hel"), QStringLiteral("lo")}));
    f.model.flush();
    EXPECT_EQ(cell(f.model, 0, LiveLogModel::Status), QStringLiteral("streaming"));
    EXPECT_EQ(cell(f.model, 0, LiveLogModel::Provider), QStringLiteral("openai"));
    EXPECT_EQ(cell(f.model, 0, LiveLogModel::Ttfb), QStringLiteral("310 ms"));
    EXPECT_EQ(cell(f.model, 0, LiveLogModel::Tokens), QStringLiteral("~2")) << "one per content chunk";
    EXPECT_EQ(f.model.request(0)->responseText, QStringLiteral("Hello"));

    f.publish(delta(1, {QStringLiteral(", world")}));
    f.publish(finished(1, 200, 12, 34, 1200));
    f.model.flush();
    EXPECT_EQ(f.model.request(0)->responseText, QStringLiteral("Hello, world"));
    EXPECT_EQ(cell(f.model, 0, LiveLogModel::Status), QStringLiteral("200"));
    EXPECT_EQ(cell(f.model, 0, LiveLogModel::Tokens), QStringLiteral("12 / 34"));
    EXPECT_EQ(cell(f.model, 0, LiveLogModel::Elapsed), QStringLiteral("1.2 s"));
    EXPECT_EQ(f.model.index(0, 0).data(LiveLogModel::StatusClassRole).toString(), QStringLiteral("ok"));
    EXPECT_EQ(cell(f.model, 0, LiveLogModel::Cost), QStringLiteral("–")) << "no price known";
}

TEST(LiveLogModel, CostComesFromTheProxysFinishedEvent) {
    for (const auto& [micros, shown] : {std::pair<qint64, QString>{1500, QStringLiteral("$0.0015")},
                                        // an unknown price is shown as unknown, never as $0
                                        std::pair<qint64, QString>{-1, QStringLiteral("–")}}) {
        Fixture f;
        f.publish(started(1, QStringLiteral("m")));
        RequestEvent done = finished(1, 200, 100, 50);
        done.costMicros = micros;
        f.publish(done);
        f.model.flush();
        EXPECT_EQ(cell(f.model, 0, LiveLogModel::Cost), shown);
    }
}

TEST(LiveLogModel, CostComesFromTheCostFunctionWhenFinished) {
    Fixture f;
    f.model.setCostFunction([](const LiveRequest& r) { return r.usage.totalTokens() * 10; });
    f.publish(started(1, QStringLiteral("m")));
    f.publish(finished(1, 200, 100, 50));
    f.model.flush();
    EXPECT_EQ(cell(f.model, 0, LiveLogModel::Cost), QStringLiteral("$0.0015"));
}

TEST(LiveLogModel, ABurstIsOneInsertion) {
    Fixture f;
    int inserted = 0;
    QObject::connect(&f.model, &QAbstractItemModel::rowsInserted, &f.model, [&] { ++inserted; });
    for (quint64 id = 1; id <= 500; ++id) {
        f.publish(started(id, QStringLiteral("m")));
        f.publish(delta(id, {QStringLiteral("x")}));
    }
    EXPECT_EQ(f.model.pendingCount(), 1000);
    f.model.flush();
    EXPECT_EQ(f.model.rowCount(), 500);
    EXPECT_EQ(inserted, 1);
    EXPECT_EQ(f.model.pendingCount(), 0);
    EXPECT_EQ(f.model.request(499)->responseText, QStringLiteral("x"));
}

TEST(LiveLogModel, AFloodOfEventsSlowsTheBatchesAndQuietBringsThemBack) {
    Fixture f;
    f.model.setBatchInterval(LiveLogModel::kDefaultBatchIntervalMs);
    for (quint64 id = 1; id <= quint64(LiveLogModel::kBusyBatchEvents) + 1; ++id)
        f.bus.publish(started(id, QStringLiteral("m")));
    ASSERT_TRUE(waitUntil([&] { return f.model.pendingCount() == LiveLogModel::kBusyBatchEvents + 1; }, 5000));
    f.model.flush();
    EXPECT_EQ(f.model.currentBatchInterval(), LiveLogModel::kBusyBatchIntervalMs);
    EXPECT_EQ(f.model.rowCount(), qMin(LiveLogModel::kBusyBatchEvents + 1, f.model.maxRows()));
    f.publish(finished(1, 200, 1, 1));
    f.model.flush();
    EXPECT_EQ(f.model.currentBatchInterval(), LiveLogModel::kDefaultBatchIntervalMs);
}

TEST(LiveLogModel, AFloodKeepsTheNewestRowsWithCappedBodiesAndReadsAnAnswerOnlyWhenLookedAt) {
    Fixture f;
    f.model.setMaxRows(10);
    const QByteArray big(40 * 1024, 'x');
    for (quint64 id = 1; id <= 30; ++id) {
        RequestEvent s = started(id, QStringLiteral("m"), QStringLiteral("ci"), false);
        s.payload = "{\"model\":\"m\",\"input\":\"" + big + "\"}";
        RequestEvent done = finished(id, 200, 1, 1);
        done.payload = R"({"object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"answer )" +
                       QByteArray::number(id) + R"("}}]})";
        f.bus.publish(s);
        f.bus.publish(done);
    }
    ASSERT_TRUE(waitUntil([&] { return f.model.pendingCount() == 60; }, 5000));
    f.model.flush();
    ASSERT_EQ(f.model.rowCount(), 10);
    EXPECT_EQ(f.model.request(0)->requestId, 21u) << "the newest ten stay";
    EXPECT_EQ(f.model.request(9)->requestId, 30u);
    EXPECT_EQ(f.model.request(9)->requestBody.size(), LiveLogModel::kMaxStoredBodyBytes) << "a large body is kept capped";
    EXPECT_EQ(f.model.request(9)->responseText, QStringLiteral("answer 30")) << "the answer's text, worked out on first look";
}

TEST(LiveLogModel, TimerAppliesBatchesOnItsOwn) {
    EventBus bus;
    LiveLogModel model;
    model.attach(&bus);
    int batches = 0;
    QObject::connect(&model, &LiveLogModel::batchApplied, &model, [&] { ++batches; });
    for (quint64 id = 1; id <= 50; ++id) bus.publish(started(id, QStringLiteral("m")));
    ASSERT_TRUE(waitUntil([&] { return model.rowCount() == 50; }));
    EXPECT_EQ(batches, 1);
}

TEST(LiveLogModel, RowCapDropsTheOldest) {
    Fixture f;
    f.model.setMaxRows(10);
    for (quint64 id = 1; id <= 25; ++id) f.publish(started(id, QStringLiteral("m%1").arg(id)));
    f.model.flush();
    ASSERT_EQ(f.model.rowCount(), 10);
    EXPECT_EQ(f.model.request(0)->requestId, 16u);
    EXPECT_EQ(f.model.request(9)->requestId, 25u);
    EXPECT_EQ(f.model.rowOf(3), -1);

    // Across batches too, and late events of dropped rows are ignored.
    for (quint64 id = 26; id <= 30; ++id) f.publish(started(id, QStringLiteral("m")));
    f.publish(finished(17, 200, 1, 1));
    f.publish(delta(16, {QStringLiteral("late")}));
    f.model.flush();
    ASSERT_EQ(f.model.rowCount(), 10);
    EXPECT_EQ(f.model.request(0)->requestId, 21u);
    EXPECT_EQ(f.model.rowOf(30), 9);
    EXPECT_EQ(f.model.rowOf(17), -1);
    f.publish(finished(30, 200, 1, 2));
    f.model.flush();
    EXPECT_EQ(cell(f.model, 9, LiveLogModel::Tokens), QStringLiteral("1 / 2"));
}

TEST(LiveLogModel, FinishedWithoutStartedStillShowsARow) {
    Fixture f;
    RequestEvent e = finished(7, 401, -1, -1, 0);
    e.method = QStringLiteral("POST");
    e.path = QStringLiteral("/v1/chat/completions");
    e.errorCode = QStringLiteral("invalid_api_key");
    f.publish(e);
    f.model.flush();
    ASSERT_EQ(f.model.rowCount(), 1);
    EXPECT_EQ(cell(f.model, 0, LiveLogModel::Status), QStringLiteral("401 invalid_api_key"));
    EXPECT_EQ(f.model.index(0, 0).data(LiveLogModel::StatusClassRole).toString(), QStringLiteral("error"));
}

TEST(LiveLogModel, PauseHoldsEventsAndResumeAppliesThem) {
    EventBus bus;
    LiveLogModel model;
    model.setBatchInterval(5);
    model.attach(&bus);
    model.setPaused(true);
    bus.publish(started(1, QStringLiteral("m")));
    waitUntil([] { return false; }, 60);
    EXPECT_EQ(model.rowCount(), 0);
    EXPECT_EQ(model.pendingCount(), 1);
    model.setPaused(false);
    EXPECT_EQ(model.rowCount(), 1);
    model.clear();
    EXPECT_EQ(model.rowCount(), 0);
}

TEST(LiveLogModel, NonStreamedResponseTextComesFromTheFinishedBody) {
    Fixture f;
    f.publish(started(1, QStringLiteral("m"), QStringLiteral("ci"), false));
    RequestEvent e = finished(1, 200, 3, 4);
    e.payload = R"({"choices":[{"index":0,"message":{"role":"assistant","content":"Hi there"}}]})";
    f.publish(e);
    f.model.flush();
    EXPECT_EQ(f.model.request(0)->responseText, QStringLiteral("Hi there"));
}

TEST(LiveLogModel, ALongStreamKeepsEveryChunkCountedAndItsTextCapped) {
    Fixture f;
    f.publish(started(1, QStringLiteral("gpt-4o-mini")));
    const QString piece(100, QLatin1Char('w'));
    for (int i = 0; i < 1000; ++i) {  // 100,000 characters in 1,000 chunks, over many batches
        f.publish(delta(1, {piece}));
        if (i % 100 == 99) f.model.flush();
    }
    f.model.flush();
    const LiveRequest* r = f.model.request(0);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->chunks, 1000);
    EXPECT_EQ(r->responseText.size(), LiveLogModel::kMaxResponseChars);
    EXPECT_TRUE(r->responseTruncated);
    EXPECT_EQ(r->responseText, QString(LiveLogModel::kMaxResponseChars, QLatin1Char('w')));
}

TEST(LiveLogModel, DeltaTextReadsEveryEventOfAChunk) {
    const QByteArray chunk = sseChunk({QStringLiteral("a"), QStringLiteral("b \"q\"")}) +
                             "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}\n\n"
                             "data: [DONE]\n\n";
    int chunks = 0;
    EXPECT_EQ(LiveLogModel::deltaText(chunk, &chunks), QStringLiteral("ab \"q\""));
    EXPECT_EQ(chunks, 2);
    EXPECT_EQ(LiveLogModel::deltaText("data: {\"choices\":[]}\n\n", &chunks), QString());
    EXPECT_EQ(chunks, 0);
}

TEST(LiveLogFilterModel, FiltersByModelKeyProviderAndStatus) {
    Fixture f;
    f.publish(started(1, QStringLiteral("gpt-4o"), QStringLiteral("laptop")));
    f.publish(firstByte(1, QStringLiteral("openai"), QStringLiteral("gpt-4o"), 100));
    f.publish(finished(1, 200, 1, 1));
    f.publish(started(2, QStringLiteral("claude-sonnet"), QStringLiteral("ci")));
    f.publish(firstByte(2, QStringLiteral("anthropic"), QStringLiteral("claude"), 100));
    f.publish(finished(2, 429, 0, 0));
    f.publish(started(3, QStringLiteral("gpt-4o-mini"), QStringLiteral("ci")));
    f.model.flush();

    LiveLogFilterModel filter;
    filter.setSourceModel(&f.model);
    EXPECT_EQ(filter.rowCount(), 3);
    filter.setModelFilter(QStringLiteral("GPT"));
    EXPECT_EQ(filter.rowCount(), 2);
    filter.setKeyFilter(QStringLiteral("ci"));
    EXPECT_EQ(filter.rowCount(), 1);
    filter.setModelFilter({});
    filter.setKeyFilter({});
    filter.setProviderFilter(QStringLiteral("anthropic"));
    EXPECT_EQ(filter.rowCount(), 1);
    filter.setProviderFilter({});
    filter.setStatusFilter(LiveLogFilterModel::StatusFilter::Errors);
    EXPECT_EQ(filter.rowCount(), 1);
    filter.setStatusFilter(LiveLogFilterModel::StatusFilter::Running);
    EXPECT_EQ(filter.rowCount(), 1);
    // A running row leaves the "running" filter when it finishes.
    f.publish(finished(3, 200, 1, 1));
    f.model.flush();
    EXPECT_EQ(filter.rowCount(), 0);
}

TEST(Snippets, CurlForRequestNeverCarriesAKey) {
    const QString cmd = snippets::curlForRequest(QStringLiteral("http://127.0.0.1:8787/v1"), QStringLiteral("POST"),
                                                 QStringLiteral("/v1/chat/completions"),
                                                 R"({"model": "m", "messages": [{"role":"user","content":"it's"}]})");
    EXPECT_TRUE(cmd.startsWith(QStringLiteral("curl -sS 'http://127.0.0.1:8787/v1/chat/completions'")));
    EXPECT_TRUE(cmd.contains(QStringLiteral("Bearer $AGENTROUTER_API_KEY")));
    EXPECT_FALSE(cmd.contains(QStringLiteral("sk-ar-")));
    EXPECT_TRUE(cmd.contains(QStringLiteral(R"(-d '{"messages":[{"content":"it'\''s","role":"user"}],"model":"m"}')")))
        << qPrintable(cmd);
}

TEST(LiveLogPage, DetailShowsRequestAndGrowingResponse) {
    Fixture f;
    GatewayController controller(nullptr);
    LiveLogPage page(&f.model, &controller);
    page.resize(900, 600);
    f.publish(started(1, QStringLiteral("gpt-4o")));
    f.model.flush();
    page.selectRow(0);
    EXPECT_TRUE(page.requestText().contains(QStringLiteral("Say hello")));
    EXPECT_EQ(page.responseText(), QString());
    f.publish(delta(1, {QStringLiteral("Hello")}));
    f.model.flush();
    EXPECT_EQ(page.responseText(), QStringLiteral("Hello"));
    f.publish(delta(1, {QStringLiteral(" there")}));
    f.model.flush();
    EXPECT_EQ(page.responseText(), QStringLiteral("Hello there"));
    EXPECT_TRUE(page.selectedAsCurl().contains(QStringLiteral("$AGENTROUTER_API_KEY")));
}
