#include "usage/PriceCatalog.h"

#include <QFile>
#include <QJsonDocument>
#include <cmath>

// The compiled-in catalog lives in a static library: make sure its resources are registered.
static void initPriceResources() { Q_INIT_RESOURCE(prices); }

namespace ar {

qint64 usdToMicros(double usd) { return qint64(std::llround(usd * 1e6)); }

namespace {

// A price field: absent -> -1; anything but a non-negative number is an error.
qint64 priceField(const QJsonObject& o, const char* key, const QString& path, QStringList* errors) {
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined() || v.isNull()) return -1;
    if (!v.isDouble() || v.toDouble() < 0) {
        if (errors) errors->append(QStringLiteral("%1.%2: must be a non-negative number (USD)").arg(path, QLatin1String(key)));
        return -1;
    }
    return usdToMicros(v.toDouble());
}

void parseTokenTable(const QJsonValue& value, const QString& path, QHash<QString, TokenPrices>& out,
                     QStringList* errors) {
    if (value.isUndefined()) return;
    if (!value.isObject()) {
        if (errors) errors->append(path + QStringLiteral(": must be an object of models"));
        return;
    }
    const QJsonObject table = value.toObject();
    for (auto it = table.begin(); it != table.end(); ++it) {
        const QString p = path + QLatin1Char('.') + it.key();
        if (!it.value().isObject()) {
            if (errors) errors->append(p + QStringLiteral(": must be an object"));
            continue;
        }
        const QJsonObject o = it.value().toObject();
        out.insert(it.key(), TokenPrices{priceField(o, "input", p, errors),
                                         priceField(o, "cached_input", p, errors),
                                         priceField(o, "cache_write", p, errors),
                                         priceField(o, "output", p, errors)});
    }
}

void parseImageTable(const QJsonValue& value, QHash<QString, ImagePrices>& out, QStringList* errors) {
    if (value.isUndefined()) return;
    if (!value.isObject()) {
        if (errors) errors->append(QStringLiteral("images: must be an object of models"));
        return;
    }
    const QJsonObject table = value.toObject();
    for (auto it = table.begin(); it != table.end(); ++it) {
        const QString p = QStringLiteral("images.") + it.key();
        const QJsonObject o = it.value().toObject();
        ImagePrices prices;
        prices.defaultSize = o.value(QStringLiteral("default_size")).toString(QStringLiteral("1024x1024"));
        prices.defaultQuality = o.value(QStringLiteral("default_quality")).toString(QStringLiteral("standard"));
        const QJsonObject byQuality = o.value(QStringLiteral("prices")).toObject();
        if (byQuality.isEmpty() && errors)
            errors->append(p + QStringLiteral(".prices: must be an object {quality: {size: USD}}"));
        for (auto q = byQuality.begin(); q != byQuality.end(); ++q) {
            const QJsonObject bySize = q.value().toObject();
            for (auto s = bySize.begin(); s != bySize.end(); ++s) {
                const qint64 micros = priceField(bySize, s.key().toUtf8().constData(),
                                                 p + QStringLiteral(".prices.") + q.key(), errors);
                if (micros >= 0) prices.byQualityThenSize[q.key()].insert(s.key(), micros);
            }
        }
        out.insert(it.key(), prices);
    }
}

bool digitsAt(QStringView s, std::initializer_list<qsizetype> at) {
    for (qsizetype i : at)
        if (!s[i].isDigit()) return false;
    return true;
}

// "gpt-4o-2024-08-06" and "claude-3-5-sonnet-20241022" are priced as their undated names.
// By hand: a regular expression here ran on every request.
QStringView withoutDateSuffix(QStringView model) {
    const qsizetype n = model.size();
    if (n > 11 && model[n - 11] == QLatin1Char('-') && model[n - 6] == QLatin1Char('-') &&
        model[n - 3] == QLatin1Char('-') && digitsAt(model, {n - 10, n - 9, n - 8, n - 7, n - 5, n - 4, n - 2, n - 1}))
        return model.first(n - 11);
    if (n > 9 && model[n - 9] == QLatin1Char('-') &&
        digitsAt(model, {n - 8, n - 7, n - 6, n - 5, n - 4, n - 3, n - 2, n - 1}))
        return model.first(n - 9);
    return model;
}

}  // namespace

template <typename T>
std::optional<T> PriceCatalog::find(const QHash<QString, T>& table, const QString& model) {
    // Cheapest first: the exact name is what almost every request finds.
    if (auto it = table.constFind(model); it != table.constEnd()) return *it;
    const qsizetype slash = model.indexOf(QLatin1Char('/'));
    const QStringView bare = slash >= 0 ? QStringView(model).sliced(slash + 1) : QStringView(model);
    for (QStringView name : {bare, withoutDateSuffix(bare)}) {
        auto it = table.constFind(name.toString());
        if (it != table.constEnd()) return *it;
    }
    return std::nullopt;
}

PriceCatalog PriceCatalog::fromJson(const QJsonObject& doc, QStringList* errors) {
    PriceCatalog c;
    parseTokenTable(doc.value(QStringLiteral("models")), QStringLiteral("models"), c.m_tokens, errors);
    parseTokenTable(doc.value(QStringLiteral("embeddings")), QStringLiteral("embeddings"), c.m_embeddings, errors);
    parseImageTable(doc.value(QStringLiteral("images")), c.m_images, errors);
    return c;
}

PriceCatalog PriceCatalog::builtIn() {
    initPriceResources();
    QFile f(QStringLiteral(":/agentrouter/prices.json"));
    if (!f.open(QIODevice::ReadOnly)) return {};
    return fromJson(QJsonDocument::fromJson(f.readAll()).object());
}

void PriceCatalog::merge(const PriceCatalog& overrides) {
    auto mergeTokens = [](QHash<QString, TokenPrices>& into, const QHash<QString, TokenPrices>& from) {
        for (auto it = from.begin(); it != from.end(); ++it) {
            TokenPrices& t = into[it.key()];  // a new entry starts all-unknown
            const TokenPrices& o = it.value();
            if (o.input >= 0) t.input = o.input;
            if (o.cachedInput >= 0) t.cachedInput = o.cachedInput;
            if (o.cacheWrite >= 0) t.cacheWrite = o.cacheWrite;
            if (o.output >= 0) t.output = o.output;
        }
    };
    mergeTokens(m_tokens, overrides.m_tokens);
    mergeTokens(m_embeddings, overrides.m_embeddings);
    for (auto it = overrides.m_images.begin(); it != overrides.m_images.end(); ++it) {
        ImagePrices& into = m_images[it.key()];
        if (into.byQualityThenSize.isEmpty()) {
            into = it.value();
            continue;
        }
        into.defaultSize = it->defaultSize;
        into.defaultQuality = it->defaultQuality;
        for (auto q = it->byQualityThenSize.begin(); q != it->byQualityThenSize.end(); ++q)
            for (auto s = q->begin(); s != q->end(); ++s) into.byQualityThenSize[q.key()].insert(s.key(), s.value());
    }
}

std::optional<TokenPrices> PriceCatalog::tokens(const QString& model) const { return find(m_tokens, model); }
std::optional<TokenPrices> PriceCatalog::embedding(const QString& model) const {
    if (auto e = find(m_embeddings, model)) return e;
    return find(m_tokens, model);
}
std::optional<ImagePrices> PriceCatalog::images(const QString& model) const { return find(m_images, model); }

}  // namespace ar
