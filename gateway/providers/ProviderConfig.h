#pragma once

#include <QList>
#include <QString>
#include <QUrl>
#include <utility>

namespace ar {

// One configured upstream provider. The credential itself is resolved at run time
// (environment variable or keychain) and never written back to the config file.
struct ProviderConfig {
    QString id;           // referenced by routes, e.g. "openai"
    QString type;         // "openai", "anthropic", "gemini", "azure", or an OpenAI-compatible preset
    QUrl baseUrl;         // e.g. https://api.openai.com/v1
    QString apiKeyEnv;    // environment variable holding the credential, if any
    QString apiKey;       // resolved credential (never serialised, never logged)
    QString apiVersion;   // Azure api-version / anthropic-version
    QList<std::pair<QByteArray, QByteArray>> extraHeaders;
    int timeoutMs = 120000;  // time allowed until the upstream's first byte
};

}  // namespace ar
