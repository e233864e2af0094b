#pragma once

// GenerateContentResponse pieces -> OpenAI chat pieces; shared by the whole-body and the
// streaming paths of GeminiChatTranslator.

#include <QJsonArray>
#include <QJsonObject>
#include <QString>

#include "providers/Usage.h"

namespace ar::gemini {

// What one candidate's parts say, in OpenAI terms.
struct CandidateOutput {
    QString text;          // non-thought text parts, joined
    QString reasoning;     // parts with "thought": true, joined
    QJsonArray toolCalls;  // OpenAI tool_calls entries (no "index")
};

// A functionCall part -> {"id","type":"function","function":{name,arguments}} with a fresh
// unique id (or Gemini's own id when it sends one). A thoughtSignature is carried in
// extra_content.google.thought_signature and remembered under the id.
QJsonObject toolCallFromPart(const QJsonObject& part);

CandidateOutput readParts(const QJsonArray& parts);

// STOP (+function calls) -> tool_calls, STOP -> stop, MAX_TOKENS -> length, safety family ->
// content_filter. Empty input -> empty output (the candidate is not finished).
QString mapFinishReason(const QString& geminiReason, bool sawFunctionCall);

// usageMetadata -> Usage: prompt includes cached (and tool-use prompt) tokens, completion is
// candidates + thoughts. An empty object -> unknown usage.
Usage usageFromMetadata(const QJsonObject& metadata);

// Usage -> OpenAI's usage object with prompt/completion token details.
QJsonObject usageToJson(const Usage& usage);

}  // namespace ar::gemini
