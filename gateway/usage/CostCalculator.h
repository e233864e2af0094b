#pragma once

#include <QString>

#include "providers/Translator.h"
#include "providers/Usage.h"
#include "usage/PriceCatalog.h"

namespace ar {

// What a finished request consumed, as far as pricing cares.
struct CostInput {
    Endpoint endpoint = Endpoint::ChatCompletions;
    QString model;          // the model that served it (upstream name first, then public)
    QString fallbackModel;  // tried when `model` has no price (the public name)
    Usage usage;
    int images = 0;         // image endpoint: images produced
    QString imageSize;      // empty: the model's default
    QString imageQuality;   // empty or "auto": the model's default
};

// Pure pricing. Each token class is priced once, in OpenAI semantics:
//   input price       x (prompt - cached - cache_write)
//   cached price      x cached        (input price when the model has no cache discount)
//   cache-write price x cache_write   (input price when the model has no write surcharge)
//   output price      x completion    (reasoning is part of completion)
// Images: price(model, size, quality) x n. Rounded once, to the nearest micro-dollar.
// Returns -1 when a needed price is unknown: an unknown price is never $0.
qint64 costMicros(const PriceCatalog& catalog, const CostInput& input);
qint64 tokenCostMicros(const TokenPrices& prices, const Usage& usage);

// "0.000123" (six decimals) or "unknown" for -1.
QByteArray formatUsd(qint64 micros);

}  // namespace ar
