#pragma once

#include <QHash>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <optional>

namespace ar {

// Token prices of one model in micro-dollars per 1M tokens (so a token costs price/1e6 µ$).
// -1: the catalog does not say.
struct TokenPrices {
    qint64 input = -1;
    qint64 cachedInput = -1;
    qint64 cacheWrite = -1;
    qint64 output = -1;
};

// Per-image prices of one image model, micro-dollars, by quality then size.
struct ImagePrices {
    QString defaultSize;
    QString defaultQuality;
    QHash<QString, QHash<QString, qint64>> byQualityThenSize;
};

// The price list: the built-in catalog (resources/prices.json, compiled in) with the user's
// overrides from the config's "prices" section merged on top, entry by entry and field by
// field. Immutable once built, so worker threads read it without locks.
class PriceCatalog {
public:
    // The built-in catalog alone.
    static PriceCatalog builtIn();
    // Parses a catalog document (same shape as resources/prices.json). Problems are appended
    // to `errors` as "field: message"; valid entries are kept.
    static PriceCatalog fromJson(const QJsonObject& doc, QStringList* errors = nullptr);

    // Adds or overrides entries (same shape as the built-in document).
    void merge(const PriceCatalog& overrides);

    // Lookups try the exact name, then without a "provider/" prefix, then without a date
    // suffix ("gpt-4o-2024-08-06" -> "gpt-4o", "claude-sonnet-4-5-20250929" -> "claude-sonnet-4-5").
    std::optional<TokenPrices> tokens(const QString& model) const;
    std::optional<TokenPrices> embedding(const QString& model) const;
    std::optional<ImagePrices> images(const QString& model) const;

    bool isEmpty() const { return m_tokens.isEmpty() && m_embeddings.isEmpty() && m_images.isEmpty(); }

private:
    template <typename T>
    static std::optional<T> find(const QHash<QString, T>& table, const QString& model);

    QHash<QString, TokenPrices> m_tokens;
    QHash<QString, TokenPrices> m_embeddings;
    QHash<QString, ImagePrices> m_images;
};

// USD (as written in JSON) -> integer micro-dollars, rounded to the nearest.
qint64 usdToMicros(double usd);

}  // namespace ar
