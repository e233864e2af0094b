// `tare` against a standard OpenID provider's device endpoint: a fake issuer on other paths than
// the gateway's, speaking RFC 8628 and RFC 6749 exactly (form bodies, authorization_pending,
// slow_down), which also serves the admin usage endpoints in the shape the gateway answers.
#include <QJsonArray>
#include <QJsonDocument>
#include <QMutex>
#include <QUrlQuery>

#include "secrets/KeychainSecretStore.h"
#include "support/FakeUpstream.h"
#include "tare/TareSupport.h"

namespace ar::test {
namespace {

constexpr char kGrant[] = "urn:ietf:params:oauth:grant-type:device_code";

QByteArray json(const QJsonObject& o) { return QJsonDocument(o).toJson(QJsonDocument::Compact); }

QJsonObject usageRow(const char* start, const char* group, int requests, int errors, int prompt,
                     int completion, qint64 costMicros, int unknown = 0) {
    return QJsonObject{{"start", start},
                       {"group", group},
                       {"requests", requests},
                       {"errors", errors},
                       {"prompt_tokens", prompt},
                       {"cached_tokens", 0},
                       {"cache_write_tokens", 0},
                       {"completion_tokens", completion},
                       {"reasoning_tokens", 0},
                       {"cost_usd", costMicros / 1e6},
                       {"cost_micros", costMicros},
                       {"unknown_cost_requests", unknown}};
}

// The fake provider. Enforces the polling rules the way a strict server would: a poll sooner
// than the current interval after slow_down is refused with an error that ends the login.
class FakeIssuer {
public:
    FakeIssuer() {
        m_server.setHandler([this](const HttpRequest& r) { return answer(r); });
        m_base = QStringLiteral("http://127.0.0.1:%1").arg(m_server.port());
    }
    const QString& base() const { return m_base; }
    int polls() const {
        QMutexLocker l(&m_mutex);
        return m_polls;
    }
    QList<QUrlQuery> usageQueries() const {
        QMutexLocker l(&m_mutex);
        return m_usageQueries;
    }

private:
    static FakeResponse oauthError(const char* error, const char* description) {
        return FakeResponse::json(400,
                                  json({{"error", error}, {"error_description", description}}));
    }
    static QUrlQuery form(const HttpRequest& r) {
        return QUrlQuery(QString::fromLatin1(r.body).replace('+', ' '));
    }

    FakeResponse answer(const HttpRequest& r) {
        QMutexLocker l(&m_mutex);
        const QByteArray auth = r.header("authorization");
        if (r.method == "GET" && r.path == "/.well-known/openid-configuration")
            return FakeResponse::json(
                200, json({{"issuer", m_base},
                           {"authorization_endpoint", m_base + "/oauth2/authorize"},
                           {"device_authorization_endpoint", m_base + "/oauth2/device/code"},
                           {"token_endpoint", m_base + "/oauth2/token"},
                           {"userinfo_endpoint", m_base + "/userinfo"},
                           {"jwks_uri", m_base + "/jwks"},
                           {"response_types_supported", QJsonArray{"code"}},
                           {"scopes_supported", QJsonArray{"openid", "profile", "email"}},
                           {"grant_types_supported", QJsonArray{"authorization_code", kGrant}}}));
        if (r.method == "POST" && r.path == "/oauth2/device/code") {
            const QUrlQuery f = form(r);
            if (!r.header("content-type").startsWith("application/x-www-form-urlencoded") ||
                f.queryItemValue("client_id") != "tare" || f.queryItemValue("scope") != "openid")
                return oauthError("invalid_request", "bad device authorization request");
            return FakeResponse::json(
                200, json({{"device_code", "GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS"},
                           {"user_code", "WDJB-MJHT"},
                           {"verification_uri", "https://example.test/device"},
                           {"verification_uri_complete",
                            "https://example.test/device?user_code=WDJB-MJHT"},
                           {"expires_in", 300},
                           {"interval", 1}}));
        }
        if (r.method == "POST" && r.path == "/oauth2/token") {
            const QUrlQuery f = form(r);
            if (f.queryItemValue("grant_type", QUrl::FullyDecoded) != kGrant ||
                f.queryItemValue("client_id") != "tare" ||
                f.queryItemValue("device_code") != "GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS")
                return oauthError("invalid_grant", "bad token request");
            const qint64 now = QDateTime::currentMSecsSinceEpoch();
            const qint64 gap = m_lastPoll ? now - m_lastPoll : 1'000'000;
            m_lastPoll = now;
            ++m_polls;
            if (gap < m_intervalMs - 200)
                return oauthError("invalid_request", "polled faster than the interval");
            if (m_polls == 1) return oauthError("authorization_pending", "waiting");
            if (m_polls == 2) {
                m_intervalMs += 5000;
                return oauthError("slow_down", "slow down");
            }
            return FakeResponse::json(200, json({{"access_token", "fake-access-token-1"},
                                                 {"token_type", "bearer"},
                                                 {"expires_in", 3600},
                                                 {"scope", "openid"},
                                                 {"id_token", "e30.e30.sig"}}));
        }
        if (auth != "Bearer fake-access-token-1")
            return FakeResponse::json(
                401,
                R"({"error":{"message":"Incorrect admin token.","type":"invalid_request_error","param":null,"code":"invalid_admin_token"}})");
        if (r.method == "GET" && r.path == "/userinfo")
            return FakeResponse::json(
                200,
                json({{"sub", "user-42"}, {"name", "Test User"}, {"email", "t@example.test"}}));
        if (r.method == "GET" && r.path == "/admin/v1/usage") {
            m_usageQueries << QUrlQuery(QString::fromLatin1(r.query));
            return FakeResponse::json(
                200,
                json({{"object", "list"},
                      {"data",
                       QJsonArray{
                           usageRow("2026-11-24T00:00:00Z", "gpt-4o-mini", 3, 1, 30, 12, 150),
                           usageRow("2026-11-24T00:00:00Z", "claude-sonnet-4-5", 1, 0, 100, 50,
                                    2000),
                           usageRow("2026-11-25T00:00:00Z", "gpt-4o-mini", 2, 0, 20, 8, 100),
                           usageRow("2026-11-25T00:00:00Z", "local/llama", 4, 0, 40, 40, 0, 4)}}}));
        }
        if (r.method == "GET" && r.path == "/admin/v1/usage/totals") {
            m_usageQueries << QUrlQuery(QString::fromLatin1(r.query));
            return FakeResponse::json(
                200, json(usageRow("2026-11-01T00:00:00Z", "", 10, 1, 190, 110, 2250, 4)));
        }
        return FakeResponse::json(
            404,
            R"({"error":{"message":"Unknown path","type":"invalid_request_error","param":null,"code":"unknown_url"}})");
    }

    FakeUpstream m_server;
    QString m_base;
    mutable QMutex m_mutex;
    int m_polls = 0;
    qint64 m_lastPoll = 0;
    qint64 m_intervalMs = 1000;
    QList<QUrlQuery> m_usageQueries;
};

class TareStandardIssuer : public ::testing::Test {
protected:
    void SetUp() override {
        if (qEnvironmentVariableIsEmpty("AR_TEST_KEYRING"))
            GTEST_SKIP() << "no private keyring (run through scripts/test.sh or "
                            "scripts/with-keyring.sh)";
    }
};

TEST_F(TareStandardIssuer, DeviceFlowWithSlowDownThenUserinfoAndUsage) {
    FakeIssuer issuer;
    Child run("tare", {"api", "login", "--issuer", issuer.base()});
    EXPECT_EQ(run.waitForErr(kUserCode), QStringLiteral("WDJB-MJHT"));
    const ProcessResult login = run.finish();
    ASSERT_EQ(login.exitCode, 0) << qPrintable(login.err);
    EXPECT_TRUE(login.err.contains("https://example.test/device")) << qPrintable(login.err);
    EXPECT_EQ(issuer.polls(), 3) << "pending, slow_down, then the token";

    ProcessResult r = tare({"api", "whoami", "--url", issuer.base()});
    ASSERT_EQ(r.exitCode, 0) << qPrintable(r.err);
    EXPECT_TRUE(r.out.contains("Test User (user-42)")) << qPrintable(r.out);
    EXPECT_TRUE(r.out.contains(QRegularExpression("scope\\s+openid")));
    EXPECT_TRUE(r.out.contains("(in 59 minutes)") || r.out.contains("(in 60 minutes)"))
        << qPrintable(r.out);

    // Usage by model: the day buckets summed per model, most expensive first.
    r = tare({"usage", "--url", issuer.base(), "--since", "2026-11-01", "--until",
              "2026-11-26T00:00:00Z", "--by", "model"});
    ASSERT_EQ(r.exitCode, 0) << qPrintable(r.err);
    const QStringList lines = r.out.split('\n', Qt::SkipEmptyParts);
    ASSERT_EQ(lines.size(), 4) << qPrintable(r.out);
    EXPECT_TRUE(lines[0].startsWith("MODEL "));
    EXPECT_TRUE(lines[1].contains(
        QRegularExpression("^claude-sonnet-4-5\\s+1\\s+0\\s+100\\s+0\\s+50\\s+0\\s+\\$0.002000$")))
        << qPrintable(lines[1]);
    EXPECT_TRUE(lines[2].contains(
        QRegularExpression("^gpt-4o-mini\\s+5\\s+1\\s+50\\s+0\\s+20\\s+0\\s+\\$0.000250$")))
        << qPrintable(lines[2]);
    EXPECT_TRUE(
        lines[3].contains(QRegularExpression("^local/llama\\s+4\\s+.*\\$0.000000 \\+ 4 unpriced$")))
        << qPrintable(lines[3]);
    const QUrlQuery q = issuer.usageQueries().last();
    EXPECT_EQ(q.queryItemValue("from"), QStringLiteral("2026-11-01T00:00:00Z"));
    EXPECT_EQ(q.queryItemValue("to"), QStringLiteral("2026-11-26T00:00:00Z"));
    EXPECT_EQ(q.queryItemValue("group_by"), QStringLiteral("model"));
    EXPECT_EQ(q.queryItemValue("granularity"), QStringLiteral("day"));

    r = tare({"usage", "--url", issuer.base(), "--since", "7d", "--by", "model", "--json"});
    ASSERT_EQ(r.exitCode, 0) << qPrintable(r.err);
    const QJsonObject doc = QJsonDocument::fromJson(r.out.toUtf8()).object();
    EXPECT_EQ(doc["group_by"].toString(), QStringLiteral("model"));
    const QJsonArray data = doc["data"].toArray();
    ASSERT_EQ(data.size(), 3);
    EXPECT_EQ(data[1].toObject()["group"].toString(), QStringLiteral("gpt-4o-mini"));
    EXPECT_EQ(data[1].toObject()["requests"].toInt(), 5);
    EXPECT_EQ(data[1].toObject()["cost_micros"].toInt(), 250);
    const QDateTime from = QDateTime::fromString(doc["from"].toString(), Qt::ISODate);
    EXPECT_NEAR(from.secsTo(QDateTime::currentDateTimeUtc()), 7 * 86400, 60);

    r = tare({"usage", "--url", issuer.base(), "--by", "model", "--csv"});
    ASSERT_EQ(r.exitCode, 0) << qPrintable(r.err);
    EXPECT_TRUE(
        r.out.startsWith("group,requests,errors,prompt_tokens,cached_tokens,"
                         "cache_write_tokens,completion_tokens,reasoning_tokens,"
                         "unknown_cost_requests,cost_usd,cost_micros\n"))
        << qPrintable(r.out);
    EXPECT_TRUE(r.out.contains("\ngpt-4o-mini,5,1,50,0,0,20,0,0,0.000250,250\n"))
        << qPrintable(r.out);

    // Totals without --by.
    r = tare({"usage", "--url", issuer.base()});
    ASSERT_EQ(r.exitCode, 0) << qPrintable(r.err);
    EXPECT_TRUE(r.out.contains(QRegularExpression("requests\\s+10\\n"))) << qPrintable(r.out);
    EXPECT_TRUE(r.out.contains(QRegularExpression("cost\\s+\\$0.002250 \\+ 4 unpriced")))
        << qPrintable(r.out);
    EXPECT_FALSE(issuer.usageQueries().last().hasQueryItem("group_by"));
    r = tare({"usage", "--url", issuer.base(), "--json"});
    EXPECT_EQ(QJsonDocument::fromJson(r.out.toUtf8()).object()["requests"].toInt(), 10);

    // No revocation endpoint in its discovery: logout only forgets the token.
    r = tare({"api", "logout", "--url", issuer.base()});
    EXPECT_EQ(r.exitCode, 0) << qPrintable(r.err);
    r = tare({"usage", "--url", issuer.base()});
    EXPECT_EQ(r.exitCode, 1);
}

}  // namespace
}  // namespace ar::test
