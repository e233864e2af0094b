#include "secrets/FileSecretStore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace ar {

namespace {

constexpr QFileDevice::Permissions kOwnerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;

ApiError fileError(const QString& message) {
    return ApiError{503, message, QStringLiteral("keychain_error"), {}, secreterror::kUnavailable};
}

template <typename F>
void later(QObject* context, F f) {
    QMetaObject::invokeMethod(context, std::move(f), Qt::QueuedConnection);
}

}  // namespace

FileSecretStore::FileSecretStore(QString path, QObject* parent)
    : SecretStore(parent), m_path(std::move(path)) {}

QString FileSecretStore::description() const { return QStringLiteral("the file %1").arg(m_path); }

QString FileSecretStore::warning() const {
    return QStringLiteral(
               "WARNING: secrets are stored unencrypted in %1 (mode 0600) because the "
               "file store was chosen instead of the OS keychain. Anyone who can read "
               "your files can read them.")
        .arg(m_path);
}

Result<QJsonObject> FileSecretStore::load() const {
    QFile file(m_path);
    if (!file.exists()) return QJsonObject{};
    // Group or world access means the secrets may already have leaked: say so, do not use it.
    if (file.permissions() & ~(kOwnerOnly | QFileDevice::ReadUser | QFileDevice::WriteUser))
        return fileError(
            QStringLiteral("Refusing to use %1: other users can access it (chmod 600 it).")
                .arg(m_path));
    if (!file.open(QIODevice::ReadOnly))
        return fileError(QStringLiteral("Cannot read %1: %2").arg(m_path, file.errorString()));
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll());
    if (!doc.isObject()) return fileError(QStringLiteral("%1 is not a secrets file.").arg(m_path));
    return doc.object().value(QStringLiteral("entries")).toObject();
}

Status FileSecretStore::save(const QJsonObject& entries) const {
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly))
        return fileError(QStringLiteral("Cannot write %1: %2").arg(m_path, file.errorString()));
    file.setPermissions(kOwnerOnly);
    file.write(QJsonDocument(QJsonObject{{QStringLiteral("version"), 1},
                                         {QStringLiteral("entries"), entries}})
                   .toJson(QJsonDocument::Indented));
    if (!file.commit())
        return fileError(QStringLiteral("Cannot write %1: %2").arg(m_path, file.errorString()));
    return Ok{};
}

void FileSecretStore::read(const QString& entry, QObject* context, ReadCallback done) {
    auto entries = load();
    Result<std::optional<QByteArray>> result =
        !entries                   ? Result<std::optional<QByteArray>>(entries.error())
        : entries->contains(entry) ? Result<std::optional<QByteArray>>(
                                         std::optional(entries->value(entry).toString().toUtf8()))
                                   : Result<std::optional<QByteArray>>(std::optional<QByteArray>());
    later(context, [done = std::move(done), result]() mutable { done(std::move(result)); });
}

void FileSecretStore::write(const QString& entry, const QByteArray& secret, QObject* context,
                            StatusCallback done) {
    auto entries = load();
    Status result = entries ? Status(Ok{}) : Status(entries.error());
    if (entries) {
        entries->insert(entry, QString::fromUtf8(secret));
        result = save(*entries);
    }
    later(context, [done = std::move(done), result] { done(result); });
}

void FileSecretStore::remove(const QString& entry, QObject* context, StatusCallback done) {
    auto entries = load();
    Status result = entries ? Status(Ok{}) : Status(entries.error());
    if (entries && entries->contains(entry)) {
        entries->remove(entry);
        result = save(*entries);
    }
    later(context, [done = std::move(done), result] { done(result); });
}

}  // namespace ar
