#pragma once

#include <QList>
#include <QString>
#include <QUrl>
#include <memory>
#include <utility>

namespace ar {

class ProviderCredentials;

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
    int streamIdleTimeoutMs = 0;  // longest silence once the answer has begun (0: timeoutMs)
    QString caFile;          // PEM file of extra CAs to trust (self-signed local servers)
    QString credential = QStringLiteral("env");  // "env" or "keychain" (entry "provider:<id>")
    // Credentials that may change while serving (keychain, admin API); the translator factory
    // takes the current one from here on every request. Null: apiKey is all there is.
    std::shared_ptr<const ProviderCredentials> liveCredentials;
};

}  // namespace ar
