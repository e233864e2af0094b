#pragma once

#include <QString>

namespace ar::secretentry {

// The keychain service every entry is filed under (Secret Service attribute "server").
inline const QString kService = QStringLiteral("agentrouter");

// Entry names (attribute "user"): one per provider credential, one per remembered gateway key,
// and the admin API token.
inline QString provider(const QString& providerId) {
    return QStringLiteral("provider:") + providerId;
}
inline QString gatewayKey(const QString& keyId) { return QStringLiteral("gateway-key:") + keyId; }
inline const QString kAdminToken = QStringLiteral("admin-token");

}  // namespace ar::secretentry
