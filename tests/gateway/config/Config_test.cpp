#include "config/Config.h"

#include <QFile>
#include <QTemporaryDir>
#include <gtest/gtest.h>

#include "support/TestData.h"

namespace ar {
namespace {

QStringList errorsOf(const QByteArray& json) {
    QStringList out;
    for (const ConfigError& e : parseConfig(json, "cfg.json").errors) out << e.toString();
    return out;
}

TEST(Config, ShippedExampleIsValid) {
    const QByteArray example = test::testData("../../resources/config.example.json");
    ASSERT_FALSE(example.isEmpty());
    const ConfigLoad load = parseConfig(example, "config.example.json");
    EXPECT_TRUE(load.ok()) << qPrintable(load.errors.value(0).toString());
    EXPECT_FALSE(load.config.providers.isEmpty());
    EXPECT_FALSE(load.config.routes.isEmpty());
}

TEST(Config, DefaultsAndPresets) {
    const ConfigLoad load = parseConfig(R"({"providers":[{"id":"oa","type":"openai"}]})", "c");
    ASSERT_TRUE(load.ok());
    EXPECT_EQ(load.config.server.bind, "127.0.0.1");
    EXPECT_EQ(load.config.server.limits.maxBodyBytes, 32 * 1024 * 1024);
    EXPECT_EQ(load.config.providers[0].baseUrl.toString(), "https://api.openai.com/v1");
    EXPECT_EQ(load.config.providers[0].apiKeyEnv, "OPENAI_API_KEY");
    EXPECT_EQ(load.config.providers[0].streamIdleTimeoutMs, 0);  // 0: the provider's timeout_ms
    EXPECT_EQ(load.config.healthMaxCooldownMs, 300'000);
}

TEST(Config, StreamIdleTimeoutAndCircuitBreakerSettings) {
    const ConfigLoad load = parseConfig(R"({"providers":[{"id":"oa","type":"openai","stream_idle_timeout_ms":1500}],
        "routing":{"health_failure_threshold":2,"health_cooldown_ms":1000,"health_max_cooldown_ms":8000}})", "c");
    ASSERT_TRUE(load.ok()) << qPrintable(load.errors.value(0).toString());
    EXPECT_EQ(load.config.providers[0].streamIdleTimeoutMs, 1500);
    EXPECT_EQ(load.config.healthFailureThreshold, 2);
    EXPECT_EQ(load.config.healthCooldownMs, 1000);
    EXPECT_EQ(load.config.healthMaxCooldownMs, 8000);
}

TEST(Config, CredentialComesFromTheNamedEnvironmentVariable) {
    qputenv("AR_CONFIG_TEST_KEY", "sk-from-env");
    const ConfigLoad load = parseConfig(
        R"({"providers":[{"id":"x","type":"openai-compatible","base_url":"http://127.0.0.1:9/v1/","api_key_env":"AR_CONFIG_TEST_KEY"}]})", "c");
    ASSERT_TRUE(load.ok());
    EXPECT_EQ(load.config.providers[0].apiKey, "sk-from-env");
    EXPECT_EQ(load.config.providers[0].baseUrl.toString(), "http://127.0.0.1:9/v1");  // trailing / dropped
}

TEST(Config, EveryProblemNamesFileFieldAndWhatIsWrong) {
    struct Case { QByteArray json; QString expected; };
    const QList<Case> cases = {
        {"{", "cfg.json: invalid JSON"},
        {"[]", "cfg.json: the top level must be a JSON object"},
        {R"({"server":{"port":70000}})", "cfg.json: server.port: must be an integer from 0 to 65535"},
        {R"({"server":{"port":"80"}})", "cfg.json: server.port: must be an integer"},
        {R"({"server":{"bind":"not-an-ip"}})", "cfg.json: server.bind: 'not-an-ip' is not an IP address"},
        {R"({"providers":{}})", "cfg.json: providers: must be an array"},
        {R"({"providers":[{"type":"openai"}]})", "cfg.json: providers[0].id: is required"},
        {R"({"providers":[{"id":"a","type":"nope"}]})", "cfg.json: providers[0].type: unknown type 'nope'"},
        {R"({"providers":[{"id":"a","type":"openai-compatible"}]})", "cfg.json: providers[0].base_url: is required"},
        {R"({"providers":[{"id":"a","type":"openai","base_url":"ftp://x"}]})", "cfg.json: providers[0].base_url: 'ftp://x' is not an http(s) URL"},
        {R"({"providers":[{"id":"a","type":"openai","api_key":"sk-123"}]})", "cfg.json: providers[0].api_key: credentials are never stored"},
        {R"({"providers":[{"id":"a","type":"openai"},{"id":"a","type":"openai"}]})", "cfg.json: providers[1].id: 'a' is used twice"},
        {R"({"routes":[{"model":"m","targets":[]}]})", "cfg.json: routes[0].targets: must be a non-empty array"},
        {R"({"routes":[{"model":"m","targets":[{"provider":"ghost"}]}]})", "cfg.json: routes[0].targets[0].provider: no provider with id 'ghost'"},
        {R"({"providers":[{"id":"a","type":"openai","stream_idle_timeout_ms":-1}]})", "cfg.json: providers[0].stream_idle_timeout_ms: must be an integer from 0"},
        {R"({"routing":{"health_max_cooldown_ms":"long"}})", "cfg.json: routing.health_max_cooldown_ms: must be an integer"},
    };
    for (const Case& c : cases) {
        const QStringList errors = errorsOf(c.json);
        ASSERT_FALSE(errors.isEmpty()) << c.json.constData();
        EXPECT_TRUE(errors.first().startsWith(c.expected)) << qPrintable(errors.first());
    }
}

TEST(Config, MissingFileIsAnError) {
    const ConfigLoad load = loadConfigFile("/nonexistent/agentrouter.json");
    ASSERT_FALSE(load.ok());
    EXPECT_TRUE(load.errors[0].toString().startsWith("/nonexistent/agentrouter.json: cannot read"));
}

}  // namespace
}  // namespace ar
