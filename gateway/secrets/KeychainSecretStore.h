#pragma once

#include "secrets/SecretStore.h"

namespace QKeychain {
class Job;
}

namespace ar {

// The OS keychain through QtKeychain (Secret Service on Linux, Keychain on macOS, Credential
// Manager on Windows). QtKeychain has no timeout and hangs when a password prompt cannot
// show, so every job gets its own: past it the caller hears "the keychain did not answer"
// and the job is abandoned (it deletes itself if it ever finishes). Never falls back to
// plaintext. Jobs need a running event loop in this object's thread.
class KeychainSecretStore final : public SecretStore {
    Q_OBJECT
public:
    static constexpr int kDefaultTimeoutMs = 10'000;

    explicit KeychainSecretStore(QString service, int timeoutMs = kDefaultTimeoutMs,
                                 QObject* parent = nullptr);

    void read(const QString& entry, QObject* context, ReadCallback done) override;
    void write(const QString& entry, const QByteArray& secret, QObject* context,
               StatusCallback done) override;
    void remove(const QString& entry, QObject* context, StatusCallback done) override;
    QString description() const override { return QStringLiteral("the OS keychain"); }

    int timeoutMs() const { return m_timeoutMs; }

private:
    // Starts `job` with the timeout; exactly one of onFinished / onFailure runs (or neither if
    // `context` died). onFinished gets the job only when it ended without a keychain failure.
    void run(QKeychain::Job* job, QObject* context, std::function<void(QKeychain::Job*)> onFinished,
             std::function<void(ApiError)> onFailure);

    QString m_service;
    int m_timeoutMs;
};

}  // namespace ar
