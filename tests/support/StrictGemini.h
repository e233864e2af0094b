#pragma once

#include <QByteArray>
#include <optional>

#include "support/FakeUpstream.h"

namespace ar::test {

// Checks a request to the Gemini API (v1beta models/{model}:generateContent,
// :streamGenerateContent, :batchEmbedContents) the way generativelanguage.googleapis.com does and
// returns its error answer, or nothing when the request would be accepted:
//  * 403 PERMISSION_DENIED without a key (x-goog-api-key or ?key=); 400 INVALID_ARGUMENT with an
//    ErrorInfo detail (reason API_KEY_INVALID) for a key that is not `apiKey`;
//  * 400 INVALID_ARGUMENT for an unknown field at any level ("Invalid JSON payload received.
//    Unknown name ..."), no contents, a role other than user/model, a part without exactly one
//    data field, inlineData without mimeType or with data that is not base64, a function call or
//    response without name, a functionResponse.response that is not an object, function
//    responses that do not answer the previous model turn's calls one for one, a Gemini 3
//    function-call turn whose first call has no thoughtSignature, presence/frequency penalties,
//    and embedding batches that are empty, over 100 or name another model than the URL's.
// The body is Google's {"error":{"code","message","status"[,"details"]}}, pretty-printed.
std::optional<FakeResponse> geminiRejection(const HttpRequest& request, const QByteArray& apiKey);

// A handler that answers Google's rejection for a malformed request and `accepted` otherwise.
FakeUpstream::Handler strictGemini(const QByteArray& apiKey, FakeUpstream::Handler accepted);

}  // namespace ar::test
