#pragma once

#include <QJsonObject>

#include "secrets/SecretStore.h"

namespace ar {

// Opt-in plaintext store for machines without a keychain: a JSON file of mode 0600. Never
// chosen automatically; whoever opens one must show warning() at every start. Refuses a file
// that others can read.
class FileSecretStore final : public SecretStore {
    Q_OBJECT
public:
    explicit FileSecretStore(QString path, QObject* parent = nullptr);

    void read(const QString& entry, QObject* context, ReadCallback done) override;
    void write(const QString& entry, const QByteArray& secret, QObject* context,
               StatusCallback done) override;
    void remove(const QString& entry, QObject* context, StatusCallback done) override;
    QString description() const override;

    QString warning() const;
    const QString& path() const { return m_path; }

private:
    Result<QJsonObject> load() const;
    Status save(const QJsonObject& entries) const;

    QString m_path;
};

}  // namespace ar
