#pragma once

#include <QStringList>
#include <memory>

#include "core/Result.h"

namespace ar {
class Gateway;
class SecretStore;
class KeyService;
struct IssuedKey;
}  // namespace ar

namespace ar::app {

// The secret store a command uses: the OS keychain, or the opt-in file when `secretsFile` is
// set (its warning goes to stderr every time).
std::unique_ptr<SecretStore> openSecretStore(const QString& secretsFile);

// Keeps a new key's plaintext in the secret store (opt-in: `keys create --keep-in-keychain`),
// so the window can copy it again later.
Status rememberKeySecret(KeyService& keys, const IssuedKey& key, const QString& secretsFile);

// Reads keychain-held provider credentials and the admin token into `gateway` before it
// starts (waits at top level; the keychain jobs have their own timeout). Returns warnings.
QStringList loadGatewaySecrets(Gateway& gateway, SecretStore* store);

int runProviders(const QStringList& args);   // providers list | set-key ID | delete-key ID
int runKeyAdmin(const QStringList& args);    // keys show ID | update ID --policy JSON | rotate ID
int runAdminToken(const QStringList& args);  // prints the admin API token
bool isKeyAdminCommand(const QStringList& args);

}  // namespace ar::app
