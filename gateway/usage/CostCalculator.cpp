#include "usage/CostCalculator.h"

#include <charconv>

namespace ar {

namespace {
constexpr qint64 kPerMillion = 1'000'000;
}

qint64 tokenCostMicros(const TokenPrices& p, const Usage& u) {
    const qint64 prompt = qMax<qint64>(u.promptTokens, 0);
    const qint64 cached = qBound<qint64>(0, u.cachedTokens, prompt);
    const qint64 written = qBound<qint64>(0, u.cacheWriteTokens, prompt - cached);
    const qint64 uncached = prompt - cached - written;
    const qint64 completion = qMax<qint64>(u.completionTokens, 0);

    // A class with tokens and no price makes the whole cost unknown.
    const qint64 cachedPrice = p.cachedInput >= 0 ? p.cachedInput : p.input;
    const qint64 writePrice = p.cacheWrite >= 0 ? p.cacheWrite : p.input;
    if ((uncached > 0 && p.input < 0) || (cached > 0 && cachedPrice < 0) ||
        (written > 0 && writePrice < 0) || (completion > 0 && p.output < 0))
        return -1;
    // Sum in micro-dollars x 1e6 (fits: 1e9 tokens x 1e9 price << 9.2e18), round once.
    const qint64 scaled = uncached * qMax<qint64>(p.input, 0) + cached * qMax<qint64>(cachedPrice, 0) +
                          written * qMax<qint64>(writePrice, 0) + completion * qMax<qint64>(p.output, 0);
    return (scaled + kPerMillion / 2) / kPerMillion;
}

qint64 costMicros(const PriceCatalog& catalog, const CostInput& in) {
    const QString models[] = {in.model, in.fallbackModel};
    for (const QString& model : models) {
        if (model.isEmpty()) continue;
        switch (in.endpoint) {
            case Endpoint::ImageGenerations: {
                const auto prices = catalog.images(model);
                if (!prices) continue;
                if (in.images <= 0) return 0;
                const QString size = in.imageSize.isEmpty() || in.imageSize == QLatin1String("auto")
                                         ? prices->defaultSize : in.imageSize;
                const QString quality = in.imageQuality.isEmpty() || in.imageQuality == QLatin1String("auto")
                                            ? prices->defaultQuality : in.imageQuality;
                const auto q = prices->byQualityThenSize.constFind(quality);
                if (q == prices->byQualityThenSize.constEnd()) return -1;
                const auto s = q->constFind(size);
                if (s == q->constEnd()) return -1;
                return *s * in.images;
            }
            case Endpoint::Embeddings:
                if (const auto prices = catalog.embedding(model)) return tokenCostMicros(*prices, in.usage);
                continue;
            case Endpoint::ChatCompletions:
                if (const auto prices = catalog.tokens(model)) return tokenCostMicros(*prices, in.usage);
                continue;
        }
    }
    return -1;
}

QByteArray formatUsd(qint64 micros) {
    if (micros < 0) return QByteArrayLiteral("unknown");
    char buf[32];
    char* end = std::to_chars(buf, buf + 20, micros / 1'000'000).ptr;
    *end++ = '.';
    for (qint64 unit = 100'000, rest = micros % 1'000'000; unit > 0; unit /= 10) *end++ = char('0' + rest / unit % 10);
    return QByteArray(buf, qsizetype(end - buf));
}

}  // namespace ar
