#pragma once

#include <QByteArray>
#include <QString>

namespace ar::app {

// A secret from stdin, never from the command line: piped (the whole input, trailing newline
// dropped) or typed at a terminal without echo after `prompt` (on stderr).
QByteArray readSecret(const QString& prompt);

}  // namespace ar::app
