#pragma once

#include <QJsonObject>
#include <QString>

#include "core/Result.h"

namespace ar::gemini {

// An OpenAI chat.completions request translated to a GenerateContentRequest, plus the
// facts about the request that the response side needs.
struct ChatRequestPlan {
    QJsonObject body;
    bool stream = false;
    bool includeUsage = false;  // stream_options.include_usage
};

// Validates and translates. Bad input -> 400 with `param` naming the offending field
// (e.g. "messages[3].tool_call_id").
Result<ChatRequestPlan> buildChatRequest(const QJsonObject& request, const QString& upstreamModel);

// Gemini 3 models take thinkingLevel and insist on thought signatures.
bool isGemini3(const QString& upstreamModel);

// Gemini's documented placeholder for a function call whose signature was lost (e.g. the
// client dropped it); accepted in place of a real one at some cost to reasoning quality.
inline constexpr char kSkipSignatureValidator[] = "skip_thought_signature_validator";

}  // namespace ar::gemini
