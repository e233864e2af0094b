#pragma once

#include <QByteArray>

namespace ar {

// Reason phrase for a status line.
const char* httpReasonPhrase(int status);  // static text

}  // namespace ar
