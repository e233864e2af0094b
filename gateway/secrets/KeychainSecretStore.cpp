#include "secrets/KeychainSecretStore.h"

#include <qt6keychain/keychain.h>

#include <QPointer>
#include <QTimer>
#include <memory>

namespace ar {

namespace {

ApiError keychainError(const QString& code, const QString& message) {
    return ApiError{503, message, QStringLiteral("keychain_error"), {}, code};
}

// Plain words for a failed job; EntryNotFound is handled by the callers.
ApiError describe(const QKeychain::Job& job) {
    switch (job.error()) {
        case QKeychain::AccessDenied:
        case QKeychain::AccessDeniedByUser:
            return keychainError(
                secreterror::kDenied,
                QStringLiteral("The OS keychain refused access (it may be locked): %1")
                    .arg(job.errorString()));
        default:
            return keychainError(
                secreterror::kUnavailable,
                QStringLiteral("No usable OS keychain (on Linux: a Secret Service such "
                               "as gnome-keyring or KWallet on the session D-Bus): %1")
                    .arg(job.errorString()));
    }
}

}  // namespace

KeychainSecretStore::KeychainSecretStore(QString service, int timeoutMs, QObject* parent)
    : SecretStore(parent), m_service(std::move(service)), m_timeoutMs(timeoutMs) {}

void KeychainSecretStore::run(QKeychain::Job* job, QObject* context,
                              std::function<void(QKeychain::Job*)> onFinished,
                              std::function<void(ApiError)> onFailure) {
    job->setAutoDelete(true);
    job->setInsecureFallback(false);  // never a silent plaintext copy
    auto settled = std::make_shared<bool>(false);
    QPointer<QObject> receiver(context);
    auto* timer = new QTimer(this);
    timer->setSingleShot(true);
    const int timeoutMs = m_timeoutMs;
    connect(job, &QKeychain::Job::finished, timer,
            [timer, settled, receiver, onFinished, onFailure](QKeychain::Job* j) {
                if (*settled) return;
                *settled = true;
                timer->deleteLater();
                if (!receiver) return;
                if (j->error() == QKeychain::NoError || j->error() == QKeychain::EntryNotFound)
                    onFinished(j);
                else
                    onFailure(describe(*j));
            });
    connect(timer, &QTimer::timeout, timer, [timer, settled, receiver, onFailure, timeoutMs] {
        if (*settled) return;
        *settled = true;
        timer->deleteLater();
        if (!receiver) return;
        onFailure(keychainError(
            secreterror::kTimeout,
            QStringLiteral("The OS keychain did not answer within %1 s. It may be locked and "
                           "waiting for a password prompt that cannot be shown here.")
                .arg(timeoutMs / 1000.0)));
    });
    timer->start(m_timeoutMs);
    job->start();
}

void KeychainSecretStore::read(const QString& entry, QObject* context, ReadCallback done) {
    auto* job = new QKeychain::ReadPasswordJob(m_service);
    job->setKey(entry);
    run(
        job, context,
        [done](QKeychain::Job* j) {
            if (j->error() == QKeychain::EntryNotFound) {
                done(std::optional<QByteArray>());
                return;
            }
            done(std::optional<QByteArray>(
                static_cast<QKeychain::ReadPasswordJob*>(j)->textData().toUtf8()));
        },
        [done](ApiError e) { done(std::move(e)); });
}

void KeychainSecretStore::write(const QString& entry, const QByteArray& secret, QObject* context,
                                StatusCallback done) {
    auto* job = new QKeychain::WritePasswordJob(m_service);
    job->setKey(entry);
    // Text, not binary: QtKeychain would store binary base64-encoded under a private marker.
    job->setTextData(QString::fromUtf8(secret));
    run(
        job, context, [done](QKeychain::Job*) { done(Ok{}); },
        [done](ApiError e) { done(std::move(e)); });
}

void KeychainSecretStore::remove(const QString& entry, QObject* context, StatusCallback done) {
    auto* job = new QKeychain::DeletePasswordJob(m_service);
    job->setKey(entry);
    run(
        job, context, [done](QKeychain::Job*) { done(Ok{}); },
        [done](ApiError e) { done(std::move(e)); });
}

}  // namespace ar
