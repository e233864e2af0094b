#pragma once

#include <QByteArray>
#include <QJsonObject>

#include "providers/Translator.h"

namespace ar {

// Rough token counts for when a provider reports nothing (some local servers, a stream cut
// before its usage event): about 4 characters per token, plus a few tokens of framing per
// chat message. Rows built from these are marked estimated.
namespace usage_estimate {

qint64 tokensForChars(qint64 chars);
qint64 promptTokens(Endpoint endpoint, const QJsonObject& request);
// Characters of generated text in one OpenAI chat chunk payload (content, reasoning, tool
// call arguments), or in a whole chat.completion body.
qint64 generatedChars(const QByteArray& openAiJson);

}  // namespace usage_estimate
}  // namespace ar
