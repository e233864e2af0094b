// Durability: the real `agentrouter serve` under load, killed with SIGKILL; after restart the
// ledger holds every request whose response the client had received in full.
#include <QFile>
#include <QJsonDocument>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <csignal>
#include <gtest/gtest.h>
#include <thread>

#include "auth/KeyStore.h"
#include "core/Gateway.h"
#include "support/FakeUpstream.h"
#include "support/GatewayHarness.h"
#include "support/TestClient.h"
#include "support/TestData.h"
#include "usage/Ledger.h"
#include "usage/LedgerQueries.h"

namespace ar::test {
namespace {

TEST(LedgerKill, EveryCompletedRequestSurvivesSigkill) {
    qputenv("AR_TEST_FAKE_KEY", "sk-upstream");
    FakeUpstream upstream;
    upstream.setHandler([](const HttpRequest& r) {
        if (QJsonDocument::fromJson(r.body)["stream"].toBool()) {
            // Held open: these are in flight when the process dies.
            return FakeResponse::sse(sseEvents(testData("openai/chat_stream_include_usage.sse")), 0, true);
        }
        return FakeResponse::json(200, testData("openai/chat_completion.json"));
    });
    QTemporaryDir dir;
    const QString configPath = dir.filePath(QStringLiteral("config.json"));
    QFile config(configPath);
    ASSERT_TRUE(config.open(QIODevice::WriteOnly));
    config.write(simpleConfig(upstream.baseUrl(), R"({"port":0,"workers":2})"));
    config.close();
    const QString dataDir = dir.filePath(QStringLiteral("data"));
    KeyStore keys(keyStorePath(dataDir));
    ASSERT_TRUE(keys.load());
    const auto key = keys.create(QStringLiteral("load"));
    ASSERT_TRUE(key);

    QProcess serve;
    serve.setProcessChannelMode(QProcess::SeparateChannels);
    serve.start(QStringLiteral(AR_BINARY_DIR "/app/agentrouter"),
                {QStringLiteral("serve"), QStringLiteral("--config"), configPath, QStringLiteral("--data-dir"),
                 dataDir, QStringLiteral("--port"), QStringLiteral("0")});
    ASSERT_TRUE(serve.waitForStarted());
    QByteArray banner;
    while (!banner.contains('\n') && serve.waitForReadyRead(10'000)) banner += serve.readAllStandardOutput();
    const qsizetype at = banner.indexOf("127.0.0.1:");
    ASSERT_GE(at, 0) << banner.constData() << serve.readAllStandardError().constData();
    const quint16 port = quint16(banner.mid(at + 10).split('/').first().toUInt());
    ASSERT_GT(port, 0);

    // In flight at the kill: streams whose upstream never finishes.
    std::vector<std::unique_ptr<TestClient>> inFlight;
    for (int i = 0; i < 3; ++i) {
        inFlight.push_back(std::make_unique<TestClient>(port));
        inFlight.back()->send("POST", "/v1/chat/completions",
                              R"({"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"x"}]})",
                              bearer(key.value()));
    }
    // Load from 4 concurrent clients; the last response completes right before the kill.
    constexpr int kClients = 4, kPerClient = 50;
    std::atomic<int> completed{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kClients; ++t) {
        threads.emplace_back([&] {
            TestClient c(port);
            for (int i = 0; i < kPerClient; ++i) {
                const ClientResponse r = c.request(
                    "POST", "/v1/chat/completions",
                    R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]})", bearer(key.value()));
                if (r.status == 200 && r.complete) completed.fetch_add(1);
            }
        });
    }
    for (std::thread& t : threads) t.join();
    ::kill(pid_t(serve.processId()), SIGKILL);
    ASSERT_TRUE(serve.waitForFinished(10'000));
    EXPECT_EQ(serve.exitStatus(), QProcess::CrashExit);
    ASSERT_EQ(completed.load(), kClients * kPerClient);

    // Restart: opening the ledger replays what the killed process had not committed yet.
    {
        Ledger ledger(dataDir);
        ASSERT_TRUE(ledger.open());
    }
    LedgerQueries queries(ledgerPath(dataDir));
    const UsageBucket totals = queries.totals({}, {});
    EXPECT_EQ(totals.requests, completed.load());  // every completed one; none in flight
    EXPECT_EQ(totals.promptTokens, 19 * completed.load());
    EXPECT_EQ(totals.costMicros, 8 * completed.load());
    // Each once: the replay skipped the lines the killed process had committed (its mark).
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("kill-check"));
        db.setDatabaseName(ledgerPath(dataDir));
        ASSERT_TRUE(db.open());
        QSqlQuery q(db);
        ASSERT_TRUE(q.exec(QStringLiteral("SELECT COUNT(DISTINCT request_uid), COUNT(*) FROM request_uids")) && q.next());
        EXPECT_EQ(q.value(0).toInt(), q.value(1).toInt());
        q.finish();
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("kill-check"));
}

}  // namespace
}  // namespace ar::test
