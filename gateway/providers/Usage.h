#pragma once

#include <QtGlobal>

namespace ar {

// Token usage in OpenAI semantics: prompt includes cached and cache-write tokens,
// completion includes reasoning tokens. -1 means the provider did not say.
struct Usage {
    qint64 promptTokens = -1;
    qint64 completionTokens = -1;
    qint64 cachedTokens = 0;      // cache reads, part of promptTokens
    qint64 cacheWriteTokens = 0;  // cache creation, part of promptTokens
    qint64 reasoningTokens = 0;   // part of completionTokens
    bool estimated = false;

    bool known() const { return promptTokens >= 0 || completionTokens >= 0; }
    qint64 totalTokens() const {
        return qMax<qint64>(promptTokens, 0) + qMax<qint64>(completionTokens, 0);
    }
};

}  // namespace ar
