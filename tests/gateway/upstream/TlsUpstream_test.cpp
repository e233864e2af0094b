// HTTPS upstreams: the gateway speaks TLS (OpenSSL via QSslSocket), trusts the system's CAs plus
// a provider's own ca_file, and reuses the TLS connection across requests.
#include <QProcess>
#include <QTemporaryDir>
#include <gtest/gtest.h>

#include "support/FakeUpstream.h"
#include "support/GatewayHarness.h"
#include "support/TestClient.h"
#include "support/TestData.h"

namespace ar::test {
namespace {

const QByteArray kBody = R"({"model":"m","messages":[{"role":"user","content":"hi"}]})";

// A self-signed certificate for 127.0.0.1, made for this run only.
bool makeCertificate(const QTemporaryDir& dir) {
    QProcess openssl;
    openssl.start(QStringLiteral("openssl"),
                  {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                   "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", dir.filePath("key.pem"),
                   "-out", dir.filePath("cert.pem")});
    return openssl.waitForFinished(30000) && openssl.exitCode() == 0;
}

QByteArray tlsConfig(const FakeUpstream& upstream, const QString& caFile) {
    const QByteArray ca = caFile.isEmpty() ? QByteArray() : R"(,"ca_file":")" + caFile.toUtf8() + '"';
    return R"({"server":{"port":0},"routing":{"max_rounds":1},
      "providers":[{"id":"tls","type":"openai-compatible","base_url":")" + upstream.baseUrl().toUtf8() + '"' + ca + R"(}],
      "routes":[{"model":"m","targets":[{"provider":"tls"}]}]})";
}

TEST(TlsUpstream, ChatOverHttpsWithTheProvidersCaAndConnectionReuse) {
    QTemporaryDir dir;
    ASSERT_TRUE(makeCertificate(dir)) << "openssl could not make a test certificate";
    FakeUpstream upstream(dir.filePath("cert.pem"), dir.filePath("key.pem"));
    upstream.setHandler([](const HttpRequest&) { return FakeResponse::json(200, testData("openai/chat_completion.json")); });
    ASSERT_TRUE(upstream.baseUrl().startsWith("https://"));
    GatewayHarness gw(tlsConfig(upstream, dir.filePath("cert.pem")));
    ASSERT_TRUE(gw.ok()) << qPrintable(gw.error());
    TestClient c(gw.port());
    for (int i = 0; i < 3; ++i) {
        const ClientResponse r = c.request("POST", "/v1/chat/completions", kBody, bearer(gw.key()));
        ASSERT_EQ(r.status, 200) << r.body.constData();
    }
    EXPECT_EQ(upstream.requestCount(), 3);
    EXPECT_LE(upstream.connectionCount(), 2) << "TLS connections should be kept alive and reused";
}

TEST(TlsUpstream, UntrustedCertificateIsA502NotASilentAccept) {
    QTemporaryDir dir;
    ASSERT_TRUE(makeCertificate(dir));
    FakeUpstream upstream(dir.filePath("cert.pem"), dir.filePath("key.pem"));
    upstream.setHandler([](const HttpRequest&) { return FakeResponse::json(200, testData("openai/chat_completion.json")); });
    GatewayHarness gw(tlsConfig(upstream, {}));  // no ca_file: the self-signed cert is not trusted
    ASSERT_TRUE(gw.ok());
    TestClient c(gw.port());
    const ClientResponse r = c.request("POST", "/v1/chat/completions", kBody, bearer(gw.key()));
    EXPECT_EQ(r.status, 502);
    EXPECT_EQ(r.error("code"), "upstream_unreachable");
    EXPECT_EQ(upstream.requestCount(), 0);
}

}  // namespace
}  // namespace ar::test
