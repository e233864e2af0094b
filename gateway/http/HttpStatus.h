#pragma once

#include <QByteArray>

namespace ar {

// Reason phrase for a status line.
QByteArray httpReasonPhrase(int status);

}  // namespace ar
