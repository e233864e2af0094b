#pragma once

#include <QHash>

#include "secrets/SecretStore.h"

namespace ar {

// Secrets in a hash, for unit tests and as a stand-in where nothing may persist. Answers
// asynchronously like the real stores. `setFailure` makes every later call fail with it.
class MemorySecretStore final : public SecretStore {
    Q_OBJECT
public:
    using SecretStore::SecretStore;

    void read(const QString& entry, QObject* context, ReadCallback done) override;
    void write(const QString& entry, const QByteArray& secret, QObject* context,
               StatusCallback done) override;
    void remove(const QString& entry, QObject* context, StatusCallback done) override;
    QString description() const override { return QStringLiteral("memory"); }

    void setFailure(std::optional<ApiError> failure) { m_failure = std::move(failure); }
    const QHash<QString, QByteArray>& entries() const { return m_entries; }

private:
    QHash<QString, QByteArray> m_entries;
    std::optional<ApiError> m_failure;
};

}  // namespace ar
