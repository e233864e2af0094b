#include "keys/KeyService.h"

#include <QMetaObject>
#include <algorithm>

#include "auth/ApiKey.h"
#include "keys/KeyPolicy.h"
#include "secrets/SecretEntries.h"

namespace ar {

namespace {

ApiError keyNotFound(const QString& id) {
    return ApiError::notFound(QStringLiteral("No key with id '%1'.").arg(id),
                              QStringLiteral("key_not_found"));
}

}  // namespace

KeyService::KeyService(KeyStore& store, SecretStore* secrets)
    : m_store(store), m_secrets(secrets) {}

QJsonObject KeyService::toJson(const KeyRecord& record) {
    QJsonObject o = record.toPublicJson();
    o.insert(QStringLiteral("revoked"), record.revoked);
    return o;
}

Result<IssuedKey> KeyService::create(const QString& name, const QJsonObject& policy) {
    auto valid = validateKeyPolicy(policy);
    if (!valid) return valid.error();
    auto secret = m_store.create(name, *valid);
    if (!secret) return secret.error();
    const auto parts = apikey::parse(secret->toLatin1());
    auto record = parts ? m_store.get(parts->keyId) : std::nullopt;
    if (!record) return ApiError::internal(QStringLiteral("The new key could not be read back."));
    return IssuedKey{*record, secret.value()};
}

QList<KeyRecord> KeyService::list() const {
    QList<KeyRecord> keys = m_store.list();
    std::sort(keys.begin(), keys.end(), [](const KeyRecord& a, const KeyRecord& b) {
        return a.createdAt != b.createdAt ? a.createdAt < b.createdAt : a.id < b.id;
    });
    return keys;
}

Result<KeyRecord> KeyService::show(const QString& id) {
    auto record = m_store.get(id);
    if (!record) return keyNotFound(id);
    return *record;
}

Result<KeyRecord> KeyService::updatePolicy(const QString& id, const QJsonObject& patch) {
    auto record = m_store.get(id);
    if (!record) return keyNotFound(id);
    QJsonObject merged = record->policy;
    for (auto it = patch.begin(); it != patch.end(); ++it) {
        if (it.value().isNull())
            merged.remove(it.key());
        else
            merged.insert(it.key(), it.value());
    }
    auto valid = validateKeyPolicy(merged);
    if (!valid) return valid.error();
    if (Status s = m_store.updatePolicy(id, *valid); !s) return s.error();
    return show(id);
}

Status KeyService::revoke(const QString& id) { return m_store.revoke(id); }

Result<IssuedKey> KeyService::rotate(const QString& id) {
    auto secret = m_store.rotate(id);
    if (!secret) return secret.error();
    auto record = m_store.get(id);
    if (!record) return keyNotFound(id);
    return IssuedKey{*record, secret.value()};
}

ApiError KeyService::noSecretStore() const {
    return ApiError{503,
                    QStringLiteral("No keychain is configured, so key secrets cannot be kept."),
                    QStringLiteral("keychain_error"),
                    {},
                    secreterror::kUnavailable};
}

void KeyService::rememberSecret(const IssuedKey& key, QObject* context,
                                SecretStore::StatusCallback done) {
    if (!m_secrets) {
        QMetaObject::invokeMethod(
            context, [done, e = noSecretStore()] { done(e); }, Qt::QueuedConnection);
        return;
    }
    m_secrets->write(secretentry::gatewayKey(key.record.id), key.secret.toUtf8(), context,
                     std::move(done));
}

void KeyService::recallSecret(const QString& id, QObject* context, SecretStore::ReadCallback done) {
    if (!m_secrets) {
        QMetaObject::invokeMethod(
            context, [done, e = noSecretStore()] { done(e); }, Qt::QueuedConnection);
        return;
    }
    m_secrets->read(secretentry::gatewayKey(id), context, std::move(done));
}

void KeyService::forgetSecret(const QString& id, QObject* context,
                              SecretStore::StatusCallback done) {
    if (!m_secrets) {
        QMetaObject::invokeMethod(
            context, [done] { done(Ok{}); }, Qt::QueuedConnection);
        return;
    }
    m_secrets->remove(secretentry::gatewayKey(id), context, std::move(done));
}

}  // namespace ar
