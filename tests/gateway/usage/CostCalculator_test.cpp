// Pricing: each token class priced once, images x n, unknown prices stay unknown.
#include <gtest/gtest.h>

#include "usage/CostCalculator.h"
#include "usage/PriceCatalog.h"

namespace ar {
namespace {

Usage usage(qint64 prompt, qint64 completion, qint64 cached = 0, qint64 cacheWrite = 0, qint64 reasoning = 0) {
    Usage u;
    u.promptTokens = prompt;
    u.completionTokens = completion;
    u.cachedTokens = cached;
    u.cacheWriteTokens = cacheWrite;
    u.reasoningTokens = reasoning;
    return u;
}

struct CostCase {
    const char* name;
    Endpoint endpoint;
    const char* model;
    Usage usage;
    int images;
    const char* size;
    const char* quality;
    qint64 expectedMicros;
};

TEST(CostCalculator, PricesEachTokenClassOnceFromTheBuiltInCatalog) {
    const PriceCatalog catalog = PriceCatalog::builtIn();
    ASSERT_FALSE(catalog.isEmpty());
    const CostCase cases[] = {
        // gpt-4o-mini: $0.15 in, $0.075 cached, $0.60 out per 1M.
        {"openai plain", Endpoint::ChatCompletions, "gpt-4o-mini", usage(1'000'000, 1'000'000), 0, "", "", 750'000},
        {"openai dated name", Endpoint::ChatCompletions, "gpt-4o-mini-2024-07-18", usage(19, 8), 0, "", "", 8},  // 2.85+4.8=7.65 -> 8
        {"dated name with a provider prefix", Endpoint::ChatCompletions, "openai/gpt-4o-mini-2024-07-18", usage(19, 8), 0, "", "", 8},
        {"compact date", Endpoint::ChatCompletions, "gpt-4o-mini-20240718", usage(19, 8), 0, "", "", 8},
        {"not a date: year only", Endpoint::ChatCompletions, "gpt-4o-mini-2024", usage(19, 8), 0, "", "", -1},
        {"not a date: a letter in it", Endpoint::ChatCompletions, "gpt-4o-mini-2024-07-1x", usage(19, 8), 0, "", "", -1},
        // prompt 1M includes 400k cached: 600k x 0.15 + 400k x 0.075 = 0.09 + 0.03.
        {"openai cached counted once", Endpoint::ChatCompletions, "gpt-4o-mini", usage(1'000'000, 0, 400'000), 0, "", "", 120'000},
        // reasoning is part of completion: 1000 completion (800 reasoning) x $8/M at o3.
        {"reasoning not added twice", Endpoint::ChatCompletions, "o3", usage(0, 1000, 0, 0, 800), 0, "", "", 8'000},
        // Anthropic in OpenAI semantics: prompt = input 1000 + cache read 2000 + cache write 3000.
        // 1000 x 3 + 2000 x 0.3 + 3000 x 3.75 + 500 x 15 (µ$ per token x 1e6) = 22350 µ$.
        {"anthropic read and write", Endpoint::ChatCompletions, "claude-sonnet-4-5-20250929", usage(6000, 500, 2000, 3000), 0, "", "", 22'350},
        // Gemini: cached at the cached price, thoughts in completion.
        {"gemini cached", Endpoint::ChatCompletions, "gemini-2.5-flash", usage(10'000, 2'000, 4'000, 0, 500), 0, "", "", 6'920},
        {"provider prefix", Endpoint::ChatCompletions, "openai/gpt-4o", usage(1000, 1000), 0, "", "", 12'500},
        {"embeddings", Endpoint::Embeddings, "text-embedding-3-small", usage(1'000'000, 0), 0, "", "", 20'000},
        {"dall-e-3 hd wide x2", Endpoint::ImageGenerations, "dall-e-3", Usage{}, 2, "1792x1024", "hd", 240'000},
        {"dall-e-3 defaults x3", Endpoint::ImageGenerations, "dall-e-3", Usage{}, 3, "", "", 120'000},
        {"gpt-image-1 auto quality", Endpoint::ImageGenerations, "gpt-image-1", Usage{}, 1, "auto", "auto", 167'000},
        {"unknown model", Endpoint::ChatCompletions, "my-local-llama", usage(10, 10), 0, "", "", -1},
        {"unknown image size", Endpoint::ImageGenerations, "dall-e-3", Usage{}, 1, "640x480", "standard", -1},
        {"zero tokens known price", Endpoint::ChatCompletions, "gpt-4o", usage(0, 0), 0, "", "", 0},
    };
    for (const CostCase& c : cases) {
        CostInput in;
        in.endpoint = c.endpoint;
        in.model = QString::fromLatin1(c.model);
        in.usage = c.usage;
        in.images = c.images;
        in.imageSize = QString::fromLatin1(c.size);
        in.imageQuality = QString::fromLatin1(c.quality);
        EXPECT_EQ(costMicros(catalog, in), c.expectedMicros) << c.name;
    }
}

TEST(CostCalculator, FallsBackToThePublicModelName) {
    const PriceCatalog catalog = PriceCatalog::builtIn();
    CostInput in;
    in.model = QStringLiteral("my-deployment-17");  // e.g. an Azure deployment name
    in.fallbackModel = QStringLiteral("gpt-4o");
    in.usage = usage(1000, 0);
    EXPECT_EQ(costMicros(catalog, in), 2'500);
}

TEST(CostCalculator, AMissingClassPriceMakesTheCostUnknownNeverZero) {
    PriceCatalog catalog = PriceCatalog::fromJson(QJsonObject{
        {"models", QJsonObject{{"input-only", QJsonObject{{"input", 1.0}}}}}});
    CostInput in;
    in.model = QStringLiteral("input-only");
    in.usage = usage(100, 0);
    EXPECT_EQ(costMicros(catalog, in), 100);
    in.usage = usage(100, 5);
    EXPECT_EQ(costMicros(catalog, in), -1);
}

TEST(PriceCatalog, ConfigOverridesMergeFieldByFieldAndAddModels) {
    PriceCatalog catalog = PriceCatalog::builtIn();
    QStringList errors;
    catalog.merge(PriceCatalog::fromJson(QJsonObject{
        {"models", QJsonObject{{"gpt-4o", QJsonObject{{"output", 20.0}}},
                               {"llama3.2", QJsonObject{{"input", 0}, {"output", 0}}}}}},
        &errors));
    EXPECT_TRUE(errors.isEmpty());
    const auto gpt4o = catalog.tokens(QStringLiteral("gpt-4o"));
    ASSERT_TRUE(gpt4o);
    EXPECT_EQ(gpt4o->input, 2'500'000);   // kept
    EXPECT_EQ(gpt4o->output, 20'000'000);  // overridden
    CostInput in;
    in.model = QStringLiteral("llama3.2");
    in.usage = usage(1000, 1000);
    EXPECT_EQ(costMicros(catalog, in), 0);  // a local model priced at $0 by the user is $0
}

TEST(PriceCatalog, BadOverridesNameTheField) {
    QStringList errors;
    (void)PriceCatalog::fromJson(QJsonObject{{"models", QJsonObject{{"x", QJsonObject{{"input", "cheap"}}}}}}, &errors);
    ASSERT_EQ(errors.size(), 1);
    EXPECT_TRUE(errors.first().startsWith("models.x.input")) << qPrintable(errors.first());
}

TEST(CostCalculator, FormatsMicrosAsDollars) {
    EXPECT_EQ(formatUsd(0), "0.000000");
    EXPECT_EQ(formatUsd(1'234'567), "1.234567");
    EXPECT_EQ(formatUsd(8), "0.000008");
    EXPECT_EQ(formatUsd(-1), "unknown");
}

}  // namespace
}  // namespace ar
