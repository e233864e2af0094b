#include "config/ConfigEditor.h"

#include <gtest/gtest.h>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include "config/Config.h"

namespace ar {
namespace {

QJsonObject readJson(const QString& path) {
    QFile f(path);
    EXPECT_TRUE(f.open(QIODevice::ReadOnly));
    return QJsonDocument::fromJson(f.readAll()).object();
}

void write(const QString& path, const QByteArray& text) {
    QFile f(path);
    ASSERT_TRUE(f.open(QIODevice::WriteOnly));
    f.write(text);
}

const QByteArray kConfig = R"({"server":{"port":9000},"custom_field":42,
  "providers":[{"id":"openai","type":"openai","api_key_env":"OPENAI_API_KEY","timeout_ms":5000},
               {"id":"ollama","type":"ollama","base_url":"http://127.0.0.1:11434/v1"}],
  "routes":[{"model":"gpt-4o-mini","targets":[{"provider":"openai"},{"provider":"ollama","model":"llama3.2"}]},
            {"model":"local","targets":[{"provider":"ollama","model":"qwen2.5"}]}],
  "routing":{"backoff_initial_ms":100}})";

TEST(ConfigEditor, SavesRoutesAndFailoverKeepingEverythingElse) {
    QTemporaryDir dir;
    const QString path = dir.filePath("config.json");
    write(path, kConfig);
    ConfigLoad load = parseConfig(kConfig, path);
    ASSERT_TRUE(load.ok());
    QList<Route> routes = load.config.routes;
    routes[0].targets.move(1, 0);
    ASSERT_TRUE(ConfigEditor(path).saveRouting(routes, {3, 5, 60'000}).ok());

    const ConfigLoad again = loadConfigFile(path);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again.config.routes[0].targets[0].providerId, "ollama");
    EXPECT_EQ(again.config.routes[0].targets[0].upstreamModel, "llama3.2");
    EXPECT_EQ(again.config.routes[0].targets[1].providerId, "openai");
    EXPECT_EQ(again.config.retry.maxRounds, 3);
    EXPECT_EQ(again.config.healthFailureThreshold, 5);
    EXPECT_EQ(again.config.healthCooldownMs, 60'000);
    EXPECT_EQ(again.config.retry.backoffInitialMs, 100) << "other routing fields stay";
    EXPECT_EQ(again.config.server.port, 9000);
    EXPECT_EQ(readJson(path).value("custom_field").toInt(), 42);
}

TEST(ConfigEditor, RefusesARouteToAnUnknownProviderAndLeavesTheFileAlone) {
    QTemporaryDir dir;
    const QString path = dir.filePath("config.json");
    write(path, kConfig);
    const Status s =
        ConfigEditor(path).saveRouting({Route{"x", {RouteTarget{"nope", "m", 0}}}}, {});
    ASSERT_FALSE(s.ok());
    EXPECT_TRUE(s.error().message.contains("nope")) << qPrintable(s.error().message);
    EXPECT_EQ(readJson(path), QJsonDocument::fromJson(kConfig).object());
}

TEST(ConfigEditor, ProviderUpsertNeverWritesACredentialAndRemoveDropsItsTargets) {
    QTemporaryDir dir;
    const QString path = dir.filePath("sub/config.json");  // created on first save
    ProviderConfig p;
    p.id = "groq";
    p.type = "groq";
    p.baseUrl = QUrl("https://api.groq.com/openai/v1");
    p.apiKey = "gsk-secret";
    ASSERT_TRUE(ConfigEditor(path).saveProvider(p, true).ok());
    QFile f(path);
    ASSERT_TRUE(f.open(QIODevice::ReadOnly));
    const QByteArray text = f.readAll();
    EXPECT_FALSE(text.contains("gsk-secret"));
    const QJsonObject saved = readJson(path).value("providers").toArray().first().toObject();
    EXPECT_EQ(saved.value("credential").toString(), "keychain");
    EXPECT_EQ(saved.value("base_url").toString(), "https://api.groq.com/openai/v1");

    const QString path2 = dir.filePath("config2.json");
    write(path2, kConfig);
    ProviderConfig edited;
    edited.id = "openai";
    edited.type = "openai";
    edited.baseUrl = QUrl("https://proxy.example/v1");
    edited.apiKeyEnv = "OPENAI_API_KEY";
    ASSERT_TRUE(ConfigEditor(path2).saveProvider(edited, false).ok());
    const QJsonObject openai = readJson(path2).value("providers").toArray().first().toObject();
    EXPECT_EQ(openai.value("base_url").toString(), "https://proxy.example/v1");
    EXPECT_EQ(openai.value("timeout_ms").toInt(), 5000) << "fields the dialog does not show stay";

    ASSERT_TRUE(ConfigEditor(path2).removeProvider("ollama").ok());
    const ConfigLoad after = loadConfigFile(path2);
    ASSERT_TRUE(after.ok());
    ASSERT_EQ(after.config.providers.size(), 1);
    ASSERT_EQ(after.config.routes.size(), 1) << "the route left without targets goes";
    EXPECT_EQ(after.config.routes[0].targets.size(), 1);
}

}  // namespace
}  // namespace ar
