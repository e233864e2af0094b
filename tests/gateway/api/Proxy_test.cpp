// End-to-end: a real gateway on port 0 in front of a fake OpenAI-compatible upstream on
// port 0, driven over real sockets.
#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTcpServer>
#include <QThread>
#include <gtest/gtest.h>

#include "support/FakeUpstream.h"
#include "support/GatewayHarness.h"
#include "support/TestClient.h"
#include "support/TestData.h"

namespace ar::test {
namespace {

const QByteArray kChatBody =
    R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say good morning."}]})";
const QByteArray kStreamBody =
    R"({"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"Say good morning."}]})";

class ProxyTest : public ::testing::Test {
protected:
    void SetUp() override {
        qputenv("AR_TEST_FAKE_KEY", "sk-upstream-secret-123");
        upstream = std::make_unique<FakeUpstream>();
        upstream->setHandler([](const HttpRequest& r) {
            if (r.path == "/v1/chat/completions") {
                const QJsonObject body = QJsonDocument::fromJson(r.body).object();
                if (body.value(QStringLiteral("stream")).toBool())
                    return FakeResponse::sse(sseEvents(testData("openai/chat_stream_include_usage.sse")));
                return FakeResponse::json(200, testData("openai/chat_completion.json"));
            }
            if (r.path == "/v1/embeddings") return FakeResponse::json(200, testData("openai/embeddings_float.json"));
            if (r.path == "/v1/images/generations") return FakeResponse::json(200, testData("openai/images_url.json"));
            return FakeResponse::json(404, "{}");
        });
        gateway = std::make_unique<GatewayHarness>(simpleConfig(upstream->baseUrl()));
        ASSERT_TRUE(gateway->ok()) << qPrintable(gateway->error());
    }

    ClientResponse post(const QByteArray& path, const QByteArray& body) {
        TestClient c(gateway->port());
        return c.request("POST", path, body, bearer(gateway->key()));
    }

    void gateStreams() {
        upstream->setHandler([](const HttpRequest&) {
            return FakeResponse::sse(sseEvents(testData("openai/chat_stream_include_usage.sse")), 0, /*gated=*/true);
        });
    }
    // A stream whose upstream holds each event after the first until release(); true once the
    // client has the response head.
    bool startGatedStream(TestClient& c, ClientResponse& head) {
        gateStreams();
        c.send("POST", "/v1/chat/completions", kStreamBody, bearer(gateway->key()));
        return c.readHead(head);
    }

    std::unique_ptr<FakeUpstream> upstream;
    std::unique_ptr<GatewayHarness> gateway;
};

TEST_F(ProxyTest, ChatCompletionIsRelayedAndUsageRecorded) {
    const ClientResponse r = post("/v1/chat/completions", kChatBody);
    ASSERT_EQ(r.status, 200) << r.body.constData();
    EXPECT_EQ(QJsonDocument::fromJson(r.body), QJsonDocument::fromJson(testData("openai/chat_completion.json")));
    EXPECT_EQ(r.header("x-agentrouter-provider"), "fake");

    // Upstream got the upstream model, its own credential, and never the client's key.
    const HttpRequest sent = upstream->requests().last();
    EXPECT_EQ(QJsonDocument::fromJson(sent.body)["model"].toString(), "gpt-4o-mini-2024-07-18");
    EXPECT_EQ(sent.header("authorization"), "Bearer sk-upstream-secret-123");
    EXPECT_FALSE(sent.body.contains(gateway->key().toUtf8()));
    for (const auto& [name, value] : sent.headers) EXPECT_FALSE(value.contains("sk-ar-")) << name.constData();

    const auto finished = gateway->waitForFinished(1);
    ASSERT_EQ(finished.size(), 1);
    EXPECT_EQ(finished[0].status, 200);
    EXPECT_EQ(finished[0].usage.promptTokens, 19);
    EXPECT_EQ(finished[0].usage.completionTokens, 8);
    EXPECT_EQ(finished[0].provider, "fake");
}

TEST_F(ProxyTest, TheLiveLogGetsAFirstByteEventForStreamsOnlyAndEveryFinishedCarriesItsTime) {
    // A whole answer's first byte and its end are one moment: its Finished event says when,
    // and a FirstByte event before it would be a copy for every window to handle.
    ASSERT_EQ(post("/v1/chat/completions", kChatBody).status, 200);
    ASSERT_EQ(gateway->waitForFinished(1).size(), 1);
    ASSERT_EQ(post("/v1/chat/completions", kStreamBody).status, 200);
    const auto finished = gateway->waitForFinished(2);
    ASSERT_EQ(finished.size(), 2);
    QList<RequestEvent::Kind> whole, stream;
    for (const RequestEvent& e : gateway->events())
        (e.requestId == finished[0].requestId ? whole : stream).append(e.kind);
    using K = RequestEvent::Kind;
    EXPECT_EQ(whole, (QList<K>{K::Started, K::Finished}));
    ASSERT_GE(stream.size(), 4);
    EXPECT_EQ(stream.mid(0, 2), (QList<K>{K::Started, K::FirstByte}));
    EXPECT_EQ(stream.last(), K::Finished);
    for (const RequestEvent& e : finished) EXPECT_GE(e.ttfbMs, 0) << "request " << e.requestId;
}

TEST_F(ProxyTest, StreamIsRelayedChunkByChunkAndUsageChunkHiddenWhenNotAsked) {
    const ClientResponse r = post("/v1/chat/completions", kStreamBody);
    ASSERT_EQ(r.status, 200);
    EXPECT_TRUE(r.header("content-type").startsWith("text/event-stream"));
    EXPECT_EQ(r.header("transfer-encoding"), "chunked");
    const QList<QByteArray> events = sseEvents(r.body);
    // 5 content chunks + [DONE]; the usage chunk the gateway asked for is hidden.
    ASSERT_EQ(events.size(), 6) << r.body.constData();
    const QList<QByteArray> recorded = sseEvents(testData("openai/chat_stream_include_usage.sse"));
    for (int i = 0; i < 5; ++i) EXPECT_EQ(events[i], recorded[i]) << "event " << i << " changed";
    EXPECT_EQ(events.last(), "data: [DONE]\n\n");

    // The gateway asked upstream for usage on the client's behalf...
    const QJsonObject sent = QJsonDocument::fromJson(upstream->requests().last().body).object();
    EXPECT_TRUE(sent["stream_options"].toObject()["include_usage"].toBool());
    // ...and recorded it: a stream is never accounted at zero.
    const auto finished = gateway->waitForFinished(1);
    ASSERT_EQ(finished.size(), 1);
    EXPECT_TRUE(finished[0].stream);
    EXPECT_EQ(finished[0].usage.promptTokens, 21);
    EXPECT_EQ(finished[0].usage.completionTokens, 3);
}

TEST_F(ProxyTest, StreamUsageChunkKeptWhenClientAsked) {
    const ClientResponse r = post("/v1/chat/completions",
        R"({"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]})");
    ASSERT_EQ(r.status, 200);
    const QList<QByteArray> events = sseEvents(r.body);
    ASSERT_EQ(events.size(), 7);
    EXPECT_TRUE(events[5].contains("\"prompt_tokens\":21"));
}

TEST_F(ProxyTest, EachStreamEventReachesTheClientBeforeTheNextIsProduced) {
    TestClient c(gateway->port());
    ClientResponse head;
    ASSERT_TRUE(startGatedStream(c, head));
    EXPECT_EQ(head.status, 200);
    const QList<QByteArray> recorded = sseEvents(testData("openai/chat_stream_include_usage.sse"));
    QByteArray got = c.nextChunk();
    EXPECT_EQ(got, recorded[0]);
    // Events 1..4 are held upstream until released: each must arrive on its own.
    for (int i = 1; i <= 4; ++i) {
        EXPECT_TRUE(c.nextChunk(150).isEmpty()) << "event " << i << " arrived before upstream sent it";
        upstream->release();
        EXPECT_EQ(c.nextChunk(), recorded[i]);
    }
    upstream->release();  // usage chunk (hidden)
    upstream->release();  // [DONE]
    EXPECT_EQ(c.nextChunk(), "data: [DONE]\n\n");
}

// The window's live log follows a stream through Delta events: a fast stream's chunks come
// together (not one event per chunk), and none is lost.
TEST_F(ProxyTest, AFastStreamReachesTheLiveLogInFewerDeltasWithEveryChunk) {
    const ClientResponse r = post("/v1/chat/completions", kStreamBody);
    ASSERT_EQ(r.status, 200);
    ASSERT_EQ(gateway->waitForFinished(1).size(), 1);
    const QList<RequestEvent> events = gateway->events();
    QByteArray relayed;
    int deltas = 0;
    bool finishedSeen = false;
    for (const RequestEvent& e : events) {
        if (e.kind == RequestEvent::Kind::Finished) finishedSeen = true;
        if (e.kind != RequestEvent::Kind::Delta) continue;
        EXPECT_FALSE(finishedSeen) << "every Delta comes before the Finished event";
        relayed += e.payload;
        ++deltas;
    }
    const QList<QByteArray> sent = sseEvents(r.body);
    ASSERT_EQ(sent.size(), 6);  // 5 chunks and [DONE]; the usage chunk is hidden
    EXPECT_EQ(relayed, sent.mid(0, 5).join()) << "the chunks the client got, in order, nothing missing";
    // Chunks within 50 ms of each other share an event (usually all five here; never one each
    // unless the machine stalls 50 ms between every two of them).
    EXPECT_LT(deltas, 5);
}

TEST_F(ProxyTest, ASlowStreamReachesTheLiveLogWhileItRuns) {
    TestClient c(gateway->port());
    ClientResponse head;
    ASSERT_TRUE(startGatedStream(c, head));
    const QList<QByteArray> recorded = sseEvents(testData("openai/chat_stream_include_usage.sse"));
    auto deltaWith = [&](const QByteArray& chunk) {  // waits up to 2 s for the live log's copy
        QDeadlineTimer deadline(2000);
        while (!deadline.hasExpired()) {
            QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
            for (const RequestEvent& e : gateway->events()) {
                if (e.kind == RequestEvent::Kind::Finished) return false;
                if (e.kind == RequestEvent::Kind::Delta && e.payload.contains(chunk)) return true;
            }
        }
        return false;
    };
    EXPECT_EQ(c.nextChunk(), recorded[0]);
    EXPECT_TRUE(deltaWith(recorded[0]));
    for (int i = 1; i <= 4; ++i) {  // each chunk shown before the next comes
        upstream->release();
        EXPECT_EQ(c.nextChunk(), recorded[i]);
        EXPECT_TRUE(deltaWith(recorded[i])) << "chunk " << i << " not in the live log while the stream runs";
    }
    upstream->release();
    upstream->release();
    EXPECT_EQ(c.nextChunk(), "data: [DONE]\n\n");
    const QList<RequestEvent> finished = gateway->waitForFinished(1);
    ASSERT_EQ(finished.size(), 1);
    EXPECT_EQ(finished[0].status, 200);
}

TEST_F(ProxyTest, EmbeddingsAndImagesAreRelayed) {
    ClientResponse e = post("/v1/embeddings", R"({"model":"text-embedding-3-small","input":"hello"})");
    ASSERT_EQ(e.status, 200);
    EXPECT_EQ(e.json()["data"].toArray().first()["embedding"].toArray().size(), 4);
    EXPECT_EQ(upstream->requests().last().path, "/v1/embeddings");

    ClientResponse i = post("/v1/images/generations", R"({"model":"dall-e-3","prompt":"a fox","size":"1024x1024"})");
    ASSERT_EQ(i.status, 200);
    EXPECT_TRUE(i.json()["data"].toArray().first()["url"].toString().startsWith("https://"));
    EXPECT_EQ(upstream->requests().last().path, "/v1/images/generations");
}

TEST_F(ProxyTest, UnchangedRequestsReachTheUpstreamAsTheClientsBytes) {
    // Spacing, key order and escapes that parsing and re-serialising would change.
    const QByteArray same = "{ \"input\" : [\"caf\\u00e9\", \"1.50\"],\n \"model\":\"text-embedding-3-small\" }";
    ClientResponse e = post("/v1/embeddings", same);
    ASSERT_EQ(e.status, 200) << e.body.constData();
    EXPECT_EQ(upstream->requests().last().body, same);

    // A routed model is rewritten: the rest of the request is kept.
    const QByteArray routed = "{ \"messages\" : [{\"role\":\"user\",\"content\":\"caf\\u00e9\"}], \"model\":\"gpt-4o-mini\" }";
    ClientResponse c = post("/v1/chat/completions", routed);
    ASSERT_EQ(c.status, 200) << c.body.constData();
    QJsonObject expected = QJsonDocument::fromJson(routed).object();
    expected.insert(QStringLiteral("model"), QStringLiteral("gpt-4o-mini-2024-07-18"));
    EXPECT_EQ(QJsonDocument::fromJson(upstream->requests().last().body).object(), expected);
}

TEST_F(ProxyTest, ProviderSlashModelRoutesWithoutARoute) {
    const ClientResponse r = post("/v1/chat/completions",
        R"({"model":"fake/some-local-model","messages":[{"role":"user","content":"hi"}]})");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(QJsonDocument::fromJson(upstream->requests().last().body)["model"].toString(), "some-local-model");
}

TEST_F(ProxyTest, ModelsListsRoutesAndMeDescribesTheKey) {
    TestClient c(gateway->port());
    const ClientResponse models = c.request("GET", "/v1/models", {}, bearer(gateway->key()));
    ASSERT_EQ(models.status, 200);
    QStringList ids;
    for (const QJsonValue& m : models.json()["data"].toArray()) ids << m["id"].toString();
    EXPECT_EQ(ids, (QStringList{"gpt-4o-mini", "text-embedding-3-small", "dall-e-3"}));

    const ClientResponse me = c.request("GET", "/v1/me", {}, "x-api-key: " + gateway->key().toUtf8() + "\r\n");
    ASSERT_EQ(me.status, 200);
    EXPECT_EQ(me.json()["name"].toString(), "test");
    EXPECT_TRUE(gateway->key().contains(me.json()["id"].toString()));
    EXPECT_TRUE(me.json().contains("policy"));
    EXPECT_TRUE(me.json().contains("created"));

    const ClientResponse health = c.request("GET", "/health");
    EXPECT_EQ(health.status, 200);
    EXPECT_EQ(health.json()["status"].toString(), "ok");
}

struct ErrorCase {
    const char* name;
    QByteArray method;
    QByteArray path;
    QByteArray body;
    bool withKey;
    QByteArray keyOverride;
    int status;
    const char* code;
    const char* param;
};

TEST_F(ProxyTest, EveryBadInputGetsItsOpenAiShapedError) {
    const QList<ErrorCase> cases = {
        {"no key", "POST", "/v1/chat/completions", kChatBody, false, {}, 401, "missing_api_key", nullptr},
        {"wrong secret", "POST", "/v1/chat/completions", kChatBody, true, "WRONG", 401, "invalid_api_key", nullptr},
        {"foreign key", "POST", "/v1/chat/completions", kChatBody, true, "sk-proj-abc", 401, "invalid_api_key", nullptr},
        {"malformed json", "POST", "/v1/chat/completions", "{\"model\":", true, {}, 400, "invalid_json", nullptr},
        {"not an object", "POST", "/v1/chat/completions", "[1,2]", true, {}, 400, "invalid_json", nullptr},
        {"missing model", "POST", "/v1/chat/completions", R"({"messages":[{"role":"user","content":"x"}]})", true, {}, 400, "missing_required_parameter", "model"},
        {"model not string", "POST", "/v1/chat/completions", R"({"model":5,"messages":[]})", true, {}, 400, "invalid_type", "model"},
        {"missing messages", "POST", "/v1/chat/completions", R"({"model":"gpt-4o-mini"})", true, {}, 400, "missing_required_parameter", "messages"},
        {"messages not array", "POST", "/v1/chat/completions", R"({"model":"gpt-4o-mini","messages":"hi"})", true, {}, 400, "invalid_type", "messages"},
        {"stream not bool", "POST", "/v1/chat/completions", R"({"model":"gpt-4o-mini","stream":"yes","messages":[{"role":"user","content":"x"}]})", true, {}, 400, "invalid_type", "stream"},
        {"embeddings no input", "POST", "/v1/embeddings", R"({"model":"text-embedding-3-small"})", true, {}, 400, "missing_required_parameter", "input"},
        {"images no prompt", "POST", "/v1/images/generations", R"({"model":"dall-e-3"})", true, {}, 400, "missing_required_parameter", "prompt"},
        {"unknown model", "POST", "/v1/chat/completions", R"({"model":"gpt-9","messages":[{"role":"user","content":"x"}]})", true, {}, 404, "model_not_found", "model"},
        {"unknown path", "POST", "/v1/completions/legacy", "{}", true, {}, 404, "unknown_url", nullptr},
        {"wrong method", "GET", "/v1/chat/completions", {}, true, {}, 405, "method_not_allowed", nullptr},
    };
    TestClient c(gateway->port());  // one keep-alive connection: the gateway keeps serving
    for (const ErrorCase& t : cases) {
        QByteArray headers;
        if (t.withKey) headers = bearer(t.keyOverride.isEmpty() ? gateway->key() : QString::fromLatin1(t.keyOverride));
        const ClientResponse r = c.request(t.method, t.path, t.body, headers);
        EXPECT_EQ(r.status, t.status) << t.name << ": " << r.body.constData();
        EXPECT_TRUE(r.header("content-type").startsWith("application/json")) << t.name;
        const QJsonObject err = r.json()["error"].toObject();
        EXPECT_FALSE(err["message"].toString().isEmpty()) << t.name;
        EXPECT_TRUE(err.contains("type") && err.contains("param") && err.contains("code")) << t.name;
        EXPECT_EQ(err["code"].toString(), QString::fromLatin1(t.code)) << t.name;
        if (t.param) EXPECT_EQ(err["param"].toString(), QString::fromLatin1(t.param)) << t.name;
        else EXPECT_TRUE(err["param"].isNull()) << t.name;
    }
    EXPECT_EQ(c.request("POST", "/v1/chat/completions", kChatBody, bearer(gateway->key())).status, 200);
    EXPECT_EQ(upstream->requestCount(), 1);  // nothing invalid was forwarded
}

TEST_F(ProxyTest, ErrorBodyKeepsOpenAiKeyOrder) {
    TestClient c(gateway->port());
    const ClientResponse r = c.request("POST", "/v1/chat/completions", kChatBody);
    const QByteArray b = r.body;
    EXPECT_LT(b.indexOf("\"message\""), b.indexOf("\"type\""));
    EXPECT_LT(b.indexOf("\"type\""), b.indexOf("\"param\""));
    EXPECT_LT(b.indexOf("\"param\""), b.indexOf("\"code\""));
}

TEST_F(ProxyTest, UpstreamErrorKeepsStatusAndMessageButNotTheCredential) {
    upstream->setHandler([](const HttpRequest&) {
        return FakeResponse::json(401, testData("openai/error_401_invalid_api_key.json"),
                                  "application/json; charset=utf-8");
    });
    const ClientResponse r = post("/v1/chat/completions", kChatBody);
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(r.error("code"), "invalid_api_key");
    EXPECT_TRUE(r.error("message").contains("Incorrect API key"));
    EXPECT_FALSE(r.body.contains("sk-upstream-secret-123"));
}

TEST(ProxyUnreachable, ConnectFailureIs502AndTimeoutIs504) {
    // A port that was just free: nothing listens there.
    quint16 deadPort;
    {
        QTcpServer s;
        s.listen(QHostAddress::LocalHost, 0);
        deadPort = s.serverPort();
    }
    GatewayHarness dead(simpleConfig(QStringLiteral("http://127.0.0.1:%1/v1").arg(deadPort)));
    ASSERT_TRUE(dead.ok());
    TestClient c(dead.port());
    const ClientResponse r = c.request("POST", "/v1/chat/completions", kChatBody, bearer(dead.key()));
    EXPECT_EQ(r.status, 502);
    EXPECT_EQ(r.error("code"), "upstream_unreachable");

    FakeUpstream hanging;
    hanging.setHandler([](const HttpRequest&) { FakeResponse r; r.hang = true; return r; });
    GatewayHarness slow(simpleConfig(hanging.baseUrl(), "{\"port\":0}", /*timeoutMs=*/300));
    ASSERT_TRUE(slow.ok());
    TestClient c2(slow.port());
    const ClientResponse t = c2.request("POST", "/v1/chat/completions", kChatBody, bearer(slow.key()));
    EXPECT_EQ(t.status, 504);
    EXPECT_EQ(t.error("code"), "upstream_timeout");
    // And the gateway keeps serving.
    EXPECT_EQ(c2.request("GET", "/health").status, 200);
}

// stream_idle_timeout_ms bounds silences once the answer has begun, never the wait for it: a
// model that takes its time to start is not cut off, a stream that pauses briefly is not either.
TEST(ProxyIdleTimeout, AppliesOnlyOnceTheAnswerHasBegun) {
    FakeUpstream upstream;
    upstream.setHandler([](const HttpRequest&) {
        FakeResponse r = FakeResponse::sse(sseEvents(testData("openai/chat_stream_include_usage.sse")), 20);
        r.steps[0].delayMs = 1500;  // the head comes late
        return r;
    });
    QByteArray config = simpleConfig(upstream.baseUrl(), "{\"port\":0}", /*timeoutMs=*/5000);
    config.replace("\"timeout_ms\":5000", "\"timeout_ms\":5000,\"stream_idle_timeout_ms\":1000");
    GatewayHarness gw(config);
    ASSERT_TRUE(gw.ok()) << qPrintable(gw.error());
    TestClient c(gw.port());
    const ClientResponse r = c.request("POST", "/v1/chat/completions", kStreamBody, bearer(gw.key()));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(sseEvents(r.body).last(), "data: [DONE]\n\n") << r.body.constData();
}

TEST_F(ProxyTest, StreamCutMidwayEndsWithAnErrorEventNotASuccess) {
    upstream->setHandler([](const HttpRequest&) {
        return FakeResponse::cutSse(sseEvents(testData("openai/chat_stream_include_usage.sse")).mid(0, 3));
    });
    const ClientResponse r = post("/v1/chat/completions", kStreamBody);
    ASSERT_EQ(r.status, 200);
    EXPECT_FALSE(r.body.contains("[DONE]"));
    const QList<QByteArray> events = sseEvents(r.body);
    ASSERT_FALSE(events.isEmpty());
    EXPECT_TRUE(events.last().contains("\"error\"")) << r.body.constData();
    const auto finished = gateway->waitForFinished(1);
    ASSERT_EQ(finished.size(), 1);
    EXPECT_EQ(finished[0].status, 502);
}

TEST_F(ProxyTest, ClientDisconnectCancelsTheUpstreamRequest) {
    {
        TestClient c(gateway->port());
        ClientResponse head;
        ASSERT_TRUE(startGatedStream(c, head));
        EXPECT_FALSE(c.nextChunk().isEmpty());
        c.socket().abort();
    }
    // The upstream sees its connection closed while it still had events to send.
    for (int i = 0; i < 200 && upstream->peerClosedMidResponse() == 0; ++i) QThread::msleep(10);
    EXPECT_EQ(upstream->peerClosedMidResponse(), 1);
    const auto finished = gateway->waitForFinished(1);
    ASSERT_EQ(finished.size(), 1);
    EXPECT_EQ(finished[0].status, 499);
}

TEST(ProxyFailover, NextTargetServesAfter5xxAnd429BeforeAnyByte) {
    qputenv("AR_TEST_FAKE_KEY", "k");
    FakeUpstream failing, healthy;
    failing.setHandler([](const HttpRequest& r) {
        return r.path.isEmpty() ? FakeResponse{} : FakeResponse::json(500, testData("openai/error_500_server.json"));
    });
    healthy.setHandler([](const HttpRequest&) { return FakeResponse::json(200, testData("openai/chat_completion.json")); });
    const QByteArray config = R"({"server":{"port":0},
      "providers":[{"id":"a","type":"openai-compatible","base_url":")" + failing.baseUrl().toUtf8() + R"("},
                   {"id":"b","type":"openai-compatible","base_url":")" + healthy.baseUrl().toUtf8() + R"("}],
      "routes":[{"model":"m","targets":[{"provider":"a","model":"x"},{"provider":"b","model":"y"}]}]})";
    GatewayHarness gw(config);
    ASSERT_TRUE(gw.ok()) << qPrintable(gw.error());
    TestClient c(gw.port());
    ClientResponse r = c.request("POST", "/v1/chat/completions",
                                 R"({"model":"m","messages":[{"role":"user","content":"hi"}]})", bearer(gw.key()));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("x-agentrouter-provider"), "b");
    EXPECT_EQ(failing.requestCount(), 1);
    const auto finished = gw.waitForFinished(1);
    ASSERT_EQ(finished.size(), 1);
    EXPECT_EQ(finished[0].attempts, 2);

    // A 400 is the client's fault: no failover, the error comes back as is.
    failing.setHandler([](const HttpRequest&) {
        return FakeResponse::json(400, R"({"error":{"message":"bad temperature","type":"invalid_request_error","param":"temperature","code":null}})");
    });
    r = c.request("POST", "/v1/chat/completions", R"({"model":"m","messages":[{"role":"user","content":"hi"}]})", bearer(gw.key()));
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.error("param"), "temperature");
    EXPECT_EQ(healthy.requestCount(), 1);
}

TEST_F(ProxyTest, SixtyFourConcurrentStreamsToOneUpstreamAllStreamAtOnce) {
    constexpr int kStreams = 64;
    // Every stream's second event is held until all 64 requests have reached the upstream:
    // if the gateway serialised them (e.g. 6 connections per host), this could never happen.
    gateStreams();
    std::vector<std::unique_ptr<TestClient>> clients;
    for (int i = 0; i < kStreams; ++i) {
        clients.push_back(std::make_unique<TestClient>(gateway->port()));
        clients.back()->send("POST", "/v1/chat/completions", kStreamBody, bearer(gateway->key()));
    }
    for (int i = 0; i < 500 && upstream->requestCount() < kStreams; ++i) QThread::msleep(10);
    ASSERT_EQ(upstream->requestCount(), kStreams);
    EXPECT_EQ(upstream->maxConcurrentRequests(), kStreams);
    for (auto& c : clients) {
        ClientResponse head;
        ASSERT_TRUE(c->readHead(head));
        EXPECT_EQ(head.status, 200);
        EXPECT_FALSE(c->nextChunk().isEmpty());
    }
    for (int i = 0; i < kStreams * 6; ++i) upstream->release();
    int complete = 0;
    for (auto& c : clients) {
        QByteArray all;
        for (QByteArray piece = c->nextChunk(); !piece.isEmpty(); piece = c->nextChunk()) all += piece;
        complete += all.endsWith("data: [DONE]\n\n");
    }
    EXPECT_EQ(complete, kStreams);
}

}  // namespace
}  // namespace ar::test
