#pragma once

#include <memory>

#include "core/Result.h"
#include "providers/ProviderConfig.h"
#include "providers/Translator.h"

namespace ar {

// The one place that knows which translator serves which (endpoint, provider type) pair.
Result<std::unique_ptr<Translator>> makeTranslator(const ProviderConfig& provider,
                                                   Endpoint endpoint);

}  // namespace ar
