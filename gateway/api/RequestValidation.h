#pragma once

#include <QJsonObject>

#include "core/Result.h"
#include "providers/ClientRequest.h"
#include "providers/Translator.h"

namespace ar {

// Checks a /v1 request body for the fields every provider needs, so that malformed requests
// get a precise 400 before anything is routed or forwarded. Bodies are read without a
// QJsonDocument (api/JsonScan) unless they are invalid JSON or spell a checked name with
// escapes; then parseAndValidate() decides, so answers and error texts are the same either way.
Result<ClientRequest> readRequest(Endpoint endpoint, const QByteArray& body);

// The same checks on a parsed document: the reference readRequest() is tested against.
Result<QJsonObject> parseAndValidate(Endpoint endpoint, const QByteArray& body);

}  // namespace ar
