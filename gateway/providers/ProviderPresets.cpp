#include "providers/ProviderPresets.h"

#include <QStringList>
#include <iterator>

namespace ar {

namespace {
constexpr ProviderPreset kPresets[] = {
    {"openai", "https://api.openai.com/v1", "OPENAI_API_KEY"},
    {"anthropic", "https://api.anthropic.com/v1", "ANTHROPIC_API_KEY"},
    {"gemini", "https://generativelanguage.googleapis.com/v1beta", "GEMINI_API_KEY"},
    {"azure", "", "AZURE_OPENAI_API_KEY"},
    {"agentrouter", "https://api.router.tetrate.ai/v1", "AGENTROUTER_TARE_KEY"},
    {"mistral", "https://api.mistral.ai/v1", "MISTRAL_API_KEY"},
    {"groq", "https://api.groq.com/openai/v1", "GROQ_API_KEY"},
    {"deepseek", "https://api.deepseek.com/v1", "DEEPSEEK_API_KEY"},
    {"xai", "https://api.x.ai/v1", "XAI_API_KEY"},
    {"openrouter", "https://openrouter.ai/api/v1", "OPENROUTER_API_KEY"},
    {"together", "https://api.together.xyz/v1", "TOGETHER_API_KEY"},
    {"fireworks", "https://api.fireworks.ai/inference/v1", "FIREWORKS_API_KEY"},
    {"ollama", "http://127.0.0.1:11434/v1", ""},
    {"lmstudio", "http://127.0.0.1:1234/v1", ""},
    {"vllm", "http://127.0.0.1:8000/v1", ""},
    {"openai-compatible", "", ""},
};
}  // namespace

const ProviderPreset* findProviderPreset(const QString& type) {
    for (const ProviderPreset& p : kPresets)
        if (type == QLatin1String(p.type)) return &p;
    return nullptr;
}

QStringList providerTypes() {
    QStringList out;
    for (const ProviderPreset& p : kPresets) out << QLatin1String(p.type);
    return out;
}

}  // namespace ar
