#include "secrets/MemorySecretStore.h"

#include <QPointer>

namespace ar {

namespace {

// Queued so callers see the same ordering as with a real keychain.
template <typename F>
void later(QObject* context, F f) {
    QMetaObject::invokeMethod(context, std::move(f), Qt::QueuedConnection);
}

}  // namespace

void MemorySecretStore::read(const QString& entry, QObject* context, ReadCallback done) {
    Result<std::optional<QByteArray>> result =
        m_failure ? Result<std::optional<QByteArray>>(*m_failure)
        : m_entries.contains(entry)
            ? Result<std::optional<QByteArray>>(std::optional(m_entries.value(entry)))
            : Result<std::optional<QByteArray>>(std::optional<QByteArray>());
    later(context, [done = std::move(done), result]() mutable { done(std::move(result)); });
}

void MemorySecretStore::write(const QString& entry, const QByteArray& secret, QObject* context,
                              StatusCallback done) {
    Status result = m_failure ? Status(*m_failure) : Status(Ok{});
    if (!m_failure) m_entries.insert(entry, secret);
    later(context, [done = std::move(done), result] { done(result); });
}

void MemorySecretStore::remove(const QString& entry, QObject* context, StatusCallback done) {
    Status result = m_failure ? Status(*m_failure) : Status(Ok{});
    if (!m_failure) m_entries.remove(entry);
    later(context, [done = std::move(done), result] { done(result); });
}

}  // namespace ar
