#pragma once

#include <QByteArray>
#include <optional>

#include "support/FakeUpstream.h"

namespace ar::test {

// Checks a request to POST /v1/messages the way api.anthropic.com does and returns its error
// answer, or nothing when the request would be accepted:
//  * 401 authentication_error: no x-api-key, or not `apiKey`;
//  * 400 invalid_request_error: no anthropic-version; a body that is not an object; an unknown
//    top-level field; no model, messages or max_tokens; temperature outside 0..1; a
//    whitespace-only stop sequence; a tool without an object input_schema; tool_choice without
//    tools; thinking with max_tokens <= budget_tokens; a "system" role or another unknown role in
//    messages; roles that do not alternate; a message without content (except a final
//    assistant one); an empty text block; an image that is neither base64 of a supported
//    media type nor an http(s) URL; a tool_use without id, name or object input; a tool_result
//    whose id has no tool_use in the previous message, or after other content; a tool_use not
//    answered in the next message.
// The body is {"type":"error","error":{"type","message"},"request_id"}, as Anthropic sends it.
std::optional<FakeResponse> anthropicRejection(const HttpRequest& request,
                                               const QByteArray& apiKey);

// A handler that answers Anthropic's rejection for a malformed request and `accepted` otherwise.
FakeUpstream::Handler strictAnthropic(const QByteArray& apiKey, FakeUpstream::Handler accepted);

// Anthropic's error body.
QByteArray anthropicError(const QByteArray& type, const QString& message);

}  // namespace ar::test
