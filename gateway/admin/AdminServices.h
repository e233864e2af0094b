#pragma once

#include <QObject>
#include <QStringList>
#include <functional>
#include <memory>

#include "admin/AdminToken.h"
#include "config/Config.h"
#include "keys/KeyService.h"
#include "oauth/DeviceFlow.h"
#include "secrets/ProviderCredentials.h"
#include "secrets/SecretStore.h"

namespace ar {

// The service layer behind the admin API, the CLI and the GUI: keys, provider credentials and
// the admin token. Lives in the thread that owns the Gateway (the secret store's thread);
// worker threads post keychain work to it. Without a secret store, credentials come from the
// environment only and the admin API stays off.
class AdminServices : public QObject {
    Q_OBJECT
public:
    AdminServices(KeyStore& keys, QObject* parent = nullptr);

    void setSecretStore(SecretStore* store);
    SecretStore* secretStore() const { return m_secrets; }
    KeyService& keys() { return m_keys; }
    AdminToken& token() { return m_token; }
    // Device-flow sign-ins (`tare api login`) and the access tokens they granted.
    DeviceFlow& deviceFlow() { return *m_deviceFlow; }
    const std::shared_ptr<ProviderCredentials>& credentials() const { return m_credentials; }

    // Startup: reads the keychain credential of every provider configured with "credential":
    // "keychain" and the admin token (creating it the first time). `done` receives one
    // plain-words warning per problem; the gateway works without them (env credentials).
    void loadSecrets(const Config& config, std::function<void(QStringList warnings)> done);

    // Stores a provider's credential in the keychain, then uses it from the next request on.
    void setProviderCredential(const QString& providerId, const QString& secret, QObject* context,
                               SecretStore::StatusCallback done);
    // Deletes it from the keychain; the provider falls back to its environment variable.
    void deleteProviderCredential(const QString& providerId, QObject* context,
                                  SecretStore::StatusCallback done);

private:
    KeyService m_keys;
    AdminToken m_token;
    DeviceFlow* m_deviceFlow;  // child
    std::shared_ptr<ProviderCredentials> m_credentials = std::make_shared<ProviderCredentials>();
    SecretStore* m_secrets = nullptr;
};

}  // namespace ar
