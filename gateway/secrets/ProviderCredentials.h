#pragma once

#include <QHash>
#include <QReadWriteLock>
#include <QString>

namespace ar {

struct ProviderConfig;

// Provider credentials that can change while serving (set or rotated from the keychain, the
// admin API or the GUI). Thread-safe: the translator factory reads it on every request, so a
// new credential applies to the next request without a restart.
class ProviderCredentials {
public:
    void set(const QString& providerId, const QString& secret);
    void clear(const QString& providerId);  // back to the provider's environment variable
    bool has(const QString& providerId) const;

    // `provider` with its current credential: the one set here, else what the config resolved
    // (the environment variable).
    ProviderConfig resolve(const ProviderConfig& provider) const;

private:
    mutable QReadWriteLock m_lock;
    QHash<QString, QString> m_secrets;
};

}  // namespace ar
