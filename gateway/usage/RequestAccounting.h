#pragma once


#include "events/RequestEvent.h"
#include "providers/Translator.h"

namespace ar {

class PriceCatalog;

// Completes a request's usage and cost before it is published as Finished (and before the
// cost header or the final usage chunk is written):
// - images: count (the request's n when it succeeded), size and quality as asked;
// - tokens the provider did not report, when the upstream did answer (`consumed`): estimated
//   from the request and the `generatedChars` relayed so far, and marked estimated; so a
//   stream cut midway records what was consumed;
// The request's object is only parsed for images and estimates.
// - cost in micro-dollars: 0 when nothing was consumed, -1 when the price is unknown.
void accountRequest(RequestEvent& event, Endpoint endpoint, const ClientRequest& request,
                    qint64 generatedChars, bool consumed, const PriceCatalog* catalog);

}  // namespace ar
