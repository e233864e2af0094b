#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>
#include <functional>
#include <optional>

#include "core/Result.h"

namespace ar {

// Where secrets live: the OS keychain, an opt-in file, or memory (tests). Asynchronous because
// a keychain answers over D-Bus/XPC and may take seconds (or prompt). Call from the store's
// thread only; callbacks run later in that thread, never inside the call, and are dropped if
// `context` dies first. Failures are ApiErrors whose message is meant for the user.
class SecretStore : public QObject {
    Q_OBJECT
public:
    // nullopt: no such entry (not an error).
    using ReadCallback = std::function<void(Result<std::optional<QByteArray>>)>;
    using StatusCallback = std::function<void(Status)>;

    using QObject::QObject;
    ~SecretStore() override = default;

    virtual void read(const QString& entry, QObject* context, ReadCallback done) = 0;
    virtual void write(const QString& entry, const QByteArray& secret, QObject* context,
                       StatusCallback done) = 0;
    // Removing an entry that does not exist succeeds.
    virtual void remove(const QString& entry, QObject* context, StatusCallback done) = 0;

    // For messages: "the OS keychain", "the file /x/secrets.json", ...
    virtual QString description() const = 0;
};

// Error codes of secret-store failures (ApiError::code).
namespace secreterror {
inline const QString kUnavailable = QStringLiteral("keychain_unavailable");
inline const QString kTimeout = QStringLiteral("keychain_timeout");
inline const QString kDenied = QStringLiteral("keychain_access_denied");
}  // namespace secreterror

}  // namespace ar
