#pragma once

#include <QString>

namespace ar::cli {

// The origin ("http://127.0.0.1:8787") of the gateway on this machine, from the bind address
// and port of its config file (`configPath`, or the default config; defaults when missing).
QString localGatewayOrigin(const QString& configPath);

}  // namespace ar::cli
