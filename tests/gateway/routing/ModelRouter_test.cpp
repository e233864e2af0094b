#include "routing/ModelRouter.h"

#include <gtest/gtest.h>

namespace ar {
namespace {

Config config() {
    return parseConfig(R"({"providers":[
        {"id":"a","type":"openai"},{"id":"b","type":"openai"},{"id":"c","type":"openai"}],
      "routes":[
        {"model":"ordered","targets":[{"provider":"b","model":"b-1"},{"provider":"a","model":"a-1"}]},
        {"model":"weighted","targets":[{"provider":"a","weight":1},{"provider":"c","weight":3}]}]})", "c")
        .config;
}

QStringList providers(const QList<ResolvedTarget>& targets) {
    QStringList out;
    for (const auto& t : targets) out << t.provider->id + QLatin1Char(':') + t.upstreamModel;
    return out;
}

TEST(ModelRouter, RouteKeepsItsOrder) {
    const Config c = config();
    ModelRouter router(&c);
    EXPECT_EQ(providers(router.resolve("ordered")), (QStringList{"b:b-1", "a:a-1"}));
}

TEST(ModelRouter, ProviderSlashModelWorksWithoutARoute) {
    const Config c = config();
    ModelRouter router(&c);
    EXPECT_EQ(providers(router.resolve("c/gpt-4o-mini")), (QStringList{"c:gpt-4o-mini"}));
    EXPECT_EQ(providers(router.resolve("c/org/model")), (QStringList{"c:org/model"}));
    EXPECT_TRUE(router.resolve("zz/gpt-4o-mini").isEmpty());
    EXPECT_TRUE(router.resolve("unknown").isEmpty());
    EXPECT_TRUE(router.resolve("c/").isEmpty());
}

TEST(ModelRouter, WeightsDecideTheFirstTargetAndAllStayForFailover) {
    const Config c = config();
    // Draw 0.2 of total 4: falls in a's share [0,1). Draw 0.5: falls in c's share [1,4).
    EXPECT_EQ(providers(ModelRouter(&c, [] { return 0.2; }).resolve("weighted")),
              (QStringList{"a:weighted", "c:weighted"}));
    EXPECT_EQ(providers(ModelRouter(&c, [] { return 0.5; }).resolve("weighted")),
              (QStringList{"c:weighted", "a:weighted"}));
}

TEST(ModelRouter, PublicModelsAreTheRoutes) {
    const Config c = config();
    EXPECT_EQ(ModelRouter(&c).publicModels(), (QStringList{"ordered", "weighted"}));
}

}  // namespace
}  // namespace ar
