#pragma once

#include <functional>
#include <memory>

#include "http/HttpRequest.h"

namespace ar {

class HttpResponder;

// Answers requests on one worker thread. Each worker has its own handler, so per-thread
// state (upstream connection pools) needs no locks.
class RequestHandler {
public:
    virtual ~RequestHandler() = default;
    virtual void handle(HttpRequest&& request, HttpResponder* responder) = 0;
};

// Called once on each worker thread to create that thread's handler.
using HandlerFactory = std::function<std::unique_ptr<RequestHandler>()>;

}  // namespace ar
