#pragma once

#include <QJsonObject>

#include "core/Result.h"
#include "providers/Translator.h"

namespace ar {

// Parses a /v1 request body and checks the fields every provider needs, so that malformed
// requests get a precise 400 before anything is routed or forwarded.
Result<QJsonObject> parseAndValidate(Endpoint endpoint, const QByteArray& body);

}  // namespace ar
