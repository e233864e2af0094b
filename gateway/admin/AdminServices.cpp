#include "admin/AdminServices.h"

#include <QPointer>

#include "secrets/SecretEntries.h"

namespace ar {

AdminServices::AdminServices(KeyStore& keys, QObject* parent)
    : QObject(parent), m_keys(keys), m_deviceFlow(new DeviceFlow(this)) {}

void AdminServices::setSecretStore(SecretStore* store) {
    m_secrets = store;
    m_keys.setSecretStore(store);
}

void AdminServices::loadSecrets(const Config& config, std::function<void(QStringList)> done) {
    struct Pending {
        int count = 1;  // the admin token
        QStringList warnings;
        std::function<void(QStringList)> done;
        void finishOne() {
            if (--count == 0) done(warnings);
        }
    };
    auto pending = std::make_shared<Pending>();
    pending->done = std::move(done);
    if (!m_secrets) {
        pending->warnings.append(
            QStringLiteral("No secret store: the admin API is off and provider "
                           "credentials come from environment variables only."));
        QMetaObject::invokeMethod(
            this, [pending] { pending->finishOne(); }, Qt::QueuedConnection);
        return;
    }
    const QString where = m_secrets->description();
    for (const ProviderConfig& p : config.providers) {
        if (p.credential != QLatin1String("keychain")) continue;
        ++pending->count;
        const QString id = p.id, env = p.apiKeyEnv;
        const bool envSet = !p.apiKey.isEmpty();
        m_secrets->read(
            secretentry::provider(id), this,
            [this, pending, id, env, envSet, where](Result<std::optional<QByteArray>> r) {
                const QString fallback =
                    envSet ? QStringLiteral("using %1 from the environment").arg(env)
                           : QStringLiteral("its requests will fail until one is set");
                if (!r) {
                    pending->warnings.append(
                        QStringLiteral("Provider '%1': cannot read its credential from %2 "
                                       "(%3); %4.")
                            .arg(id, where, r.error().message, fallback));
                } else if (!r.value()) {
                    pending->warnings.append(
                        QStringLiteral("Provider '%1' has no credential in %2 (set one with "
                                       "`agentrouter providers set-key %1`); %3.")
                            .arg(id, where, fallback));
                } else {
                    m_credentials->set(id, QString::fromUtf8(*r.value()));
                }
                pending->finishOne();
            });
    }
    m_secrets->read(
        secretentry::kAdminToken, this,
        [this, pending, where](Result<std::optional<QByteArray>> r) {
            if (!r) {
                pending->warnings.append(
                    QStringLiteral("The admin API is off: cannot read its token from %1 (%2).")
                        .arg(where, r.error().message));
                pending->finishOne();
                return;
            }
            if (r.value()) {
                m_token.set(*r.value());
                pending->finishOne();
                return;
            }
            // First start: mint the token; it is only ever kept in the secret store.
            const QByteArray token = AdminToken::generate();
            m_secrets->write(
                secretentry::kAdminToken, token, this, [this, pending, token, where](Status s) {
                    if (s)
                        m_token.set(token);
                    else
                        pending->warnings.append(
                            QStringLiteral(
                                "The admin API is off: cannot store its token in %1 (%2).")
                                .arg(where, s.error().message));
                    pending->finishOne();
                });
        });
}

void AdminServices::setProviderCredential(const QString& providerId, const QString& secret,
                                          QObject* context, SecretStore::StatusCallback done) {
    if (!m_secrets) {
        QMetaObject::invokeMethod(
            context,
            [done] {
                done(ApiError{503,
                              QStringLiteral(
                                  "No keychain is configured, so the credential cannot be stored."),
                              QStringLiteral("keychain_error"),
                              {},
                              secreterror::kUnavailable});
            },
            Qt::QueuedConnection);
        return;
    }
    QPointer<QObject> receiver(context);
    m_secrets->write(secretentry::provider(providerId), secret.toUtf8(), this,
                     [this, providerId, secret, receiver, done](Status s) {
                         if (s)
                             m_credentials->set(
                                 providerId,
                                 secret);  // stored first, then live: never ahead of the keychain
                         if (receiver) done(s);
                     });
}

void AdminServices::deleteProviderCredential(const QString& providerId, QObject* context,
                                             SecretStore::StatusCallback done) {
    if (!m_secrets) {
        m_credentials->clear(providerId);
        QMetaObject::invokeMethod(
            context, [done] { done(Ok{}); }, Qt::QueuedConnection);
        return;
    }
    QPointer<QObject> receiver(context);
    m_secrets->remove(secretentry::provider(providerId), this,
                      [this, providerId, receiver, done](Status s) {
                          if (s) m_credentials->clear(providerId);
                          if (receiver) done(s);
                      });
}

}  // namespace ar
