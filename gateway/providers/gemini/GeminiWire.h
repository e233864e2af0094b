#pragma once

// Pieces shared by the Gemini (v1beta, generativelanguage.googleapis.com) translators:
// URLs, headers, the Google error envelope, tool-call ids and the thought-signature memory.

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QUrl>
#include <utility>

#include "api/ApiError.h"
#include "providers/ProviderConfig.h"

namespace ar::gemini {

// "gemini-2.5-flash" -> "models/gemini-2.5-flash"; names that already carry a collection
// ("models/x", "tunedModels/x") are kept as they are.
QString modelResource(const QString& model);

// True when `model` is safe to splice into a URL path (no '?', '#', ':', spaces, "..").
bool isValidModelName(const QString& model);

// base + "/" + resource + ":" + method, e.g. .../v1beta/models/m:streamGenerateContent?alt=sse.
QUrl methodUrl(const QUrl& base, const QString& model, const QString& method, bool sse = false);

// content-type, x-goog-api-key (the key never goes in the URL) and the provider's extras.
QList<std::pair<QByteArray, QByteArray>> requestHeaders(const ProviderConfig& provider);

// A Google error envelope {"error":{code,message,status,details}} (or a JSON array holding
// one, as streamGenerateContent without alt=sse sends) -> an OpenAI-shaped ApiError with the
// given HTTP status. `secret` is scrubbed from the message as a last line of defence.
ApiError errorFromBody(int status, const QByteArray& body, const QString& secret);
ApiError errorFromObject(int status, const QJsonObject& error, const QString& secret);

// "34.4s" -> 35 (rounded up); -1 when unparsable.
int parseRetryDelay(const QString& duration);

// Fresh ids. Random, so ids never collide across turns or responses.
QString newToolCallId();      // "call_" + 24 alphanumerics
QString newCompletionId();    // "chatcmpl-" + 24 alphanumerics

QByteArray compactJson(const QJsonObject& object);

// A small process-wide memory of tool-call id -> thoughtSignature. Clients that rebuild
// tool calls from (id, name, arguments) drop our extra_content field; this lets the
// signature still travel back to Gemini 3, which rejects a function-call turn without it.
void rememberThoughtSignature(const QString& toolCallId, const QString& signature);
QString recallThoughtSignature(const QString& toolCallId);

}  // namespace ar::gemini
