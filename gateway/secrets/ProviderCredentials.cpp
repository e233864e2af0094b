#include "secrets/ProviderCredentials.h"

#include "providers/ProviderConfig.h"

namespace ar {

void ProviderCredentials::set(const QString& providerId, const QString& secret) {
    QWriteLocker lock(&m_lock);
    m_secrets.insert(providerId, secret);
}

void ProviderCredentials::clear(const QString& providerId) {
    QWriteLocker lock(&m_lock);
    m_secrets.remove(providerId);
}

bool ProviderCredentials::has(const QString& providerId) const {
    QReadLocker lock(&m_lock);
    return m_secrets.contains(providerId);
}

ProviderConfig ProviderCredentials::resolve(const ProviderConfig& provider) const {
    ProviderConfig out = provider;
    QReadLocker lock(&m_lock);
    auto it = m_secrets.constFind(provider.id);
    if (it != m_secrets.constEnd()) out.apiKey = *it;
    out.liveCredentials.reset();  // resolved: nothing further to look up
    return out;
}

}  // namespace ar
