#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <memory>
#include <optional>

#include "core/Result.h"

namespace ar {
class SecretStore;
}

namespace ar::tare {

class Command;

// A sign-in saved after `tare api login`: the access token and what discovery said about the
// issuer. Kept whole in one keychain entry per issuer.
struct SavedLogin {
    QString issuer;
    QByteArray accessToken;
    QString tokenType = QStringLiteral("Bearer");
    QString scope;
    QString clientId;
    QDateTime obtainedAt;
    QDateTime expiresAt;  // invalid: the issuer did not say
    QString userinfoEndpoint;
    QString revocationEndpoint;

    QByteArray toSecret() const;
    static std::optional<SavedLogin> fromSecret(const QByteArray& secret);
    bool expired(const QDateTime& now) const { return expiresAt.isValid() && expiresAt <= now; }
};

// The keychain service "agentrouter-tare": one entry per issuer URL (the account) holding its
// SavedLogin, and the entry "current" naming the issuer commands use by default. Waits for
// each keychain answer (the keychain jobs have their own timeout).
class Logins {
public:
    static inline const QString kService = QStringLiteral("agentrouter-tare");

    explicit Logins(const QString& secretsFile = {});
    ~Logins();

    Result<std::optional<SavedLogin>> load(const QString& issuer);
    Status save(const SavedLogin& login);  // also makes it the current one
    Status remove(const QString& issuer);  // clears "current" if it named this issuer
    Result<QString> current();             // empty when none

    QString where() const;  // "the OS keychain", ...

private:
    std::unique_ptr<SecretStore> m_store;
};

// "http://127.0.0.1:8787/" -> "http://127.0.0.1:8787": how issuers are compared and filed.
QString normalizeIssuer(const QString& url);

// The local gateway from the agentrouter config (`--config`, else the default file, else
// http://127.0.0.1:8787).
QString localGateway(const QString& configPath);

// Which gateway a command talks to: --url/--issuer, else the current sign-in, else the local
// gateway. A usage error when the URL is not http(s).
Result<QString> chooseGateway(const Command& command, Logins& logins);

}  // namespace ar::tare
