#pragma once

#include <QJsonObject>
#include <QList>

#include "auth/KeyStore.h"
#include "secrets/SecretStore.h"

namespace ar {

// A key together with its plaintext, which exists only in this answer (and, if the user asked,
// in the keychain).
struct IssuedKey {
    KeyRecord record;
    QString secret;  // sk-ar-<id>.<secret>
};

// Gateway key management used by the CLI, the admin API and the GUI alike. The key operations
// are synchronous and thread-safe (KeyStore); revocation, rotation and policy changes apply to
// the next request. The keychain copy of a plaintext is asynchronous and must be used from the
// secret store's thread.
class KeyService {
public:
    KeyService(KeyStore& store, SecretStore* secrets = nullptr);

    void setSecretStore(SecretStore* secrets) { m_secrets = secrets; }
    SecretStore* secretStore() const { return m_secrets; }

    Result<IssuedKey> create(const QString& name, const QJsonObject& policy);
    QList<KeyRecord> list() const;
    Result<KeyRecord> show(const QString& id);
    // Merges `patch` into the policy: a field replaces, null removes. The result is validated.
    Result<KeyRecord> updatePolicy(const QString& id, const QJsonObject& patch);
    Status revoke(const QString& id);
    // New secret, same id (so the policy and the usage history stay with the key).
    Result<IssuedKey> rotate(const QString& id);

    // The plaintext kept in the keychain so the GUI can copy it again (opt-in per key).
    void rememberSecret(const IssuedKey& key, QObject* context, SecretStore::StatusCallback done);
    void recallSecret(const QString& id, QObject* context, SecretStore::ReadCallback done);
    void forgetSecret(const QString& id, QObject* context, SecretStore::StatusCallback done);

    // How a key is shown by the CLI and the admin API: public fields plus revoked.
    static QJsonObject toJson(const KeyRecord& record);

private:
    ApiError noSecretStore() const;

    KeyStore& m_store;
    SecretStore* m_secrets;
};

}  // namespace ar
