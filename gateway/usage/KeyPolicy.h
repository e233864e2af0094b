#pragma once

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QStringList>

#include "core/Result.h"

namespace ar {

// Budget periods are calendar periods in UTC: a day from 00:00, a week from Monday 00:00,
// a month from the 1st 00:00; "total" never resets.
enum class BudgetPeriod { Day, Week, Month, Total };

QString budgetPeriodName(BudgetPeriod period);
std::optional<BudgetPeriod> budgetPeriodFromName(const QString& name);
QDateTime periodStart(BudgetPeriod period, const QDateTime& now);  // epoch for Total
// The same in ms since the epoch, without QDateTime arithmetic: it runs for every request.
qint64 periodStartMs(BudgetPeriod period, qint64 nowMs);
QDateTime periodEnd(BudgetPeriod period, const QDateTime& now);    // invalid for Total

// A key's policy, stored as JSON in KeyRecord.policy:
//   {"models": ["gpt-4o*", "claude-sonnet-4-5"],   exact names or globs (* and ?); absent: all
//    "budget_usd": 5.0, "budget_period": "day" | "week" | "month" | "total" (default month),
//    "rpm": 60, "tpm": 100000, "max_concurrent": 4,  absent or 0: no limit
//    "expires_at": "2026-01-01T00:00:00Z"}
struct KeyPolicy {
    QStringList models;
    qint64 budgetMicros = -1;  // -1: no budget
    BudgetPeriod period = BudgetPeriod::Month;
    int rpm = 0;
    qint64 tpm = 0;
    int maxConcurrent = 0;
    QDateTime expiresAt;  // invalid: never

    // Unknown fields are ignored (other layers may keep their own settings there); wrong
    // types are errors naming the field.
    static Result<KeyPolicy> fromJson(const QJsonObject& policy);
    QJsonObject toJson() const;

    bool allowsModel(const QString& model) const;
};

// The CLI's `keys create` flags (by name without dashes: models = comma-separated list,
// budget = USD, period, rpm, tpm, max-concurrent, expires = ISO time) -> a validated policy.
Result<QJsonObject> keyPolicyFromFlags(const QHash<QString, QString>& flags);

}  // namespace ar
