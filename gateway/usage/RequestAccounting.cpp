#include "usage/RequestAccounting.h"

#include "usage/CostCalculator.h"
#include "usage/PriceCatalog.h"
#include "usage/UsageEstimator.h"

namespace ar {

void accountRequest(RequestEvent& e, Endpoint endpoint, const ClientRequest& client,
                    qint64 generatedChars, bool consumed, const PriceCatalog* catalog) {
    const bool succeeded = e.status >= 200 && e.status < 300;
    if (endpoint == Endpoint::ImageGenerations) {
        const QJsonObject& request = client.object();
        e.imageSize = request.value(QStringLiteral("size")).toString();
        e.imageQuality = request.value(QStringLiteral("quality")).toString();
        e.images = succeeded ? qMax(1, request.value(QStringLiteral("n")).toInt(1)) : 0;
    } else if (consumed) {
        if (e.usage.promptTokens < 0) {
            e.usage.promptTokens = usage_estimate::promptTokens(endpoint, client.object());
            e.usage.estimated = true;
        }
        if (e.usage.completionTokens < 0) {
            e.usage.completionTokens = endpoint == Endpoint::ChatCompletions
                                           ? usage_estimate::tokensForChars(generatedChars)
                                           : 0;
            e.usage.estimated = e.usage.estimated || endpoint == Endpoint::ChatCompletions;
        }
    }
    if (!e.usage.known() && e.images == 0) {
        e.costMicros = 0;  // nothing reached a provider's meter
        return;
    }
    if (!catalog) {
        e.costMicros = -1;
        return;
    }
    CostInput in;
    in.endpoint = endpoint;
    in.model = e.upstreamModel;
    in.fallbackModel = e.model;
    in.usage = e.usage;
    in.images = e.images;
    in.imageSize = e.imageSize;
    in.imageQuality = e.imageQuality;
    e.costMicros = costMicros(*catalog, in);
}

}  // namespace ar
