#pragma once

#include <QString>
#include <QUrl>

namespace ar {

// Known provider types and their default base URLs. Every type other than "anthropic" and
// "gemini" speaks the OpenAI wire format.
struct ProviderPreset {
    const char* type;
    const char* defaultBaseUrl;  // empty: the config must give base_url
    const char* defaultKeyEnv;   // conventional environment variable, may be empty
};

const ProviderPreset* findProviderPreset(const QString& type);
QStringList providerTypes();

}  // namespace ar
