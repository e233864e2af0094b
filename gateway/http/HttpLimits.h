#pragma once

#include <QtGlobal>

namespace ar {

// Every bound the HTTP server enforces, each overridable from the config's "server" section.
struct HttpLimits {
    static constexpr qint64 kDefaultMaxHeaderBytes = 64 * 1024;        // -> 431
    static constexpr qint64 kDefaultMaxBodyBytes = 32 * 1024 * 1024;   // -> 413
    static constexpr int kDefaultIdleTimeoutMs = 60'000;      // keep-alive with no request: close
    static constexpr int kDefaultRequestTimeoutMs = 30'000;   // a started request must arrive: 408
    static constexpr int kDefaultMaxConnections = 1024;       // beyond: 503 and close

    qint64 maxHeaderBytes = kDefaultMaxHeaderBytes;
    qint64 maxBodyBytes = kDefaultMaxBodyBytes;
    int idleTimeoutMs = kDefaultIdleTimeoutMs;
    int requestTimeoutMs = kDefaultRequestTimeoutMs;
    int maxConnections = kDefaultMaxConnections;
};

}  // namespace ar
