#pragma once

#include <QEventLoop>
#include <optional>
#include <utility>

namespace ar::cli {

// Waits for one asynchronous answer (a secret-store job): `start(context, done)` begins it and
// `done(value)` ends the wait. Only at the top of a CLI command, which does nothing else
// meanwhile; the gateway library itself never runs a nested loop.
template <typename T, typename Start>
T await(Start start) {
    QEventLoop loop;
    std::optional<T> out;
    start(&loop, [&](T value) {
        out.emplace(std::move(value));
        loop.quit();
    });
    if (!out) loop.exec();
    return std::move(*out);
}

}  // namespace ar::cli
