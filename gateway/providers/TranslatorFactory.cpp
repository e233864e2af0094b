#include "providers/TranslatorFactory.h"

#include "secrets/ProviderCredentials.h"

#include "providers/anthropic/AnthropicChatTranslator.h"
#include "providers/gemini/GeminiChatTranslator.h"
#include "providers/gemini/GeminiEmbeddingsTranslator.h"
#include "providers/openai/OpenAiTranslator.h"

namespace ar {

namespace {

const char* endpointName(Endpoint e) {
    switch (e) {
        case Endpoint::ChatCompletions: return "chat completions";
        case Endpoint::Embeddings: return "embeddings";
        case Endpoint::ImageGenerations: return "image generation";
    }
    return "";
}

ApiError unsupported(const ProviderConfig& provider, Endpoint endpoint) {
    return ApiError::badRequest(
        QStringLiteral("Provider '%1' (%2) does not support %3.")
            .arg(provider.id, provider.type, QLatin1String(endpointName(endpoint))),
        QStringLiteral("model"), QStringLiteral("unsupported_endpoint"));
}

}  // namespace

Result<std::unique_ptr<Translator>> makeTranslator(const ProviderConfig& provider,
                                                   Endpoint endpoint) {
    // A credential rotated while serving applies from the next request on.
    if (provider.liveCredentials) return makeTranslator(provider.liveCredentials->resolve(provider), endpoint);
    if (provider.type == QLatin1String("anthropic")) {
        if (endpoint != Endpoint::ChatCompletions) return unsupported(provider, endpoint);
        return std::unique_ptr<Translator>(new AnthropicChatTranslator(provider));
    }
    if (provider.type == QLatin1String("gemini")) {
        if (endpoint == Endpoint::ChatCompletions)
            return std::unique_ptr<Translator>(new GeminiChatTranslator(provider));
        if (endpoint == Endpoint::Embeddings)
            return std::unique_ptr<Translator>(new GeminiEmbeddingsTranslator(provider));
        return unsupported(provider, endpoint);
    }
    return std::unique_ptr<Translator>(new OpenAiTranslator(provider, endpoint));
}

}  // namespace ar
