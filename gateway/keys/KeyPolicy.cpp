#include "keys/KeyPolicy.h"

#include "usage/KeyPolicy.h"

namespace ar {

Result<QJsonObject> validateKeyPolicy(const QJsonObject& policy) {
    static const QStringList known{
        QStringLiteral("models"),    QStringLiteral("budget_usd"), QStringLiteral("budget_period"),
        QStringLiteral("rpm"),       QStringLiteral("tpm"),        QStringLiteral("max_concurrent"),
        QStringLiteral("expires_at")};
    for (auto it = policy.begin(); it != policy.end(); ++it)
        if (!known.contains(it.key()))
            return ApiError::badRequest(
                QStringLiteral("Key policy: '%1' is not a policy field (%2).")
                    .arg(it.key(), known.join(QStringLiteral(", "))),
                it.key(), QStringLiteral("invalid_policy"));
    auto parsed = KeyPolicy::fromJson(policy);
    if (!parsed) return parsed.error();
    return parsed->toJson();
}

}  // namespace ar
