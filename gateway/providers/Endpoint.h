#pragma once

namespace ar {

// The proxied /v1 APIs.
enum class Endpoint { ChatCompletions, Embeddings, ImageGenerations };

}  // namespace ar
