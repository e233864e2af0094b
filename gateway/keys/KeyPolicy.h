#pragma once

#include <QJsonObject>

#include "core/Result.h"

namespace ar {

// Checks a key policy given by a user (CLI, admin API, GUI) with the usage layer's own parser
// (usage/KeyPolicy.h, which enforces it) and returns the normalised JSON to store. Unknown
// fields are refused here: the normalised form would drop them, so a typo ("rmp") would
// otherwise silently leave a limit unset.
Result<QJsonObject> validateKeyPolicy(const QJsonObject& policy);

}  // namespace ar
