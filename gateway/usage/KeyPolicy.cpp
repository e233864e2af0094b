#include "usage/KeyPolicy.h"

#include <limits>

#include <QJsonArray>

#include "usage/PriceCatalog.h"

namespace ar {

namespace {

// '*' any run of characters ('/' included), '?' one character; everything else literal.
bool globMatch(QStringView pattern, QStringView text) {
    qsizetype p = 0, t = 0, star = -1, mark = 0;
    while (t < text.size()) {
        if (p < pattern.size() && (pattern[p] == u'?' || pattern[p] == text[t])) {
            ++p;
            ++t;
        } else if (p < pattern.size() && pattern[p] == u'*') {
            star = p++;
            mark = t;
        } else if (star >= 0) {
            p = star + 1;
            t = ++mark;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == u'*') ++p;
    return p == pattern.size();
}

}  // namespace

QString budgetPeriodName(BudgetPeriod p) {
    switch (p) {
        case BudgetPeriod::Day: return QStringLiteral("day");
        case BudgetPeriod::Week: return QStringLiteral("week");
        case BudgetPeriod::Month: return QStringLiteral("month");
        case BudgetPeriod::Total: return QStringLiteral("total");
    }
    return {};
}

std::optional<BudgetPeriod> budgetPeriodFromName(const QString& name) {
    for (BudgetPeriod p : {BudgetPeriod::Day, BudgetPeriod::Week, BudgetPeriod::Month, BudgetPeriod::Total})
        if (budgetPeriodName(p) == name) return p;
    if (name == QLatin1String("daily")) return BudgetPeriod::Day;
    if (name == QLatin1String("weekly")) return BudgetPeriod::Week;
    if (name == QLatin1String("monthly")) return BudgetPeriod::Month;
    return std::nullopt;
}

QDateTime periodStart(BudgetPeriod period, const QDateTime& now) {
    const QDate d = now.toUTC().date();
    switch (period) {
        case BudgetPeriod::Day: return QDateTime(d, QTime(0, 0), Qt::UTC);
        case BudgetPeriod::Week: return QDateTime(d.addDays(1 - d.dayOfWeek()), QTime(0, 0), Qt::UTC);
        case BudgetPeriod::Month: return QDateTime(QDate(d.year(), d.month(), 1), QTime(0, 0), Qt::UTC);
        case BudgetPeriod::Total: break;
    }
    return QDateTime::fromMSecsSinceEpoch(0, Qt::UTC);
}

qint64 periodStartMs(BudgetPeriod period, qint64 nowMs) {
    constexpr qint64 kDayMs = 86'400'000;
    const qint64 day = nowMs >= 0 ? nowMs / kDayMs : (nowMs - kDayMs + 1) / kDayMs;  // floor
    switch (period) {
        case BudgetPeriod::Day: return day * kDayMs;
        case BudgetPeriod::Week: {
            const qint64 sinceMonday = ((day + 3) % 7 + 7) % 7;  // 1970-01-01 was a Thursday
            return (day - sinceMonday) * kDayMs;
        }
        case BudgetPeriod::Month: {
            thread_local qint64 cachedDay = std::numeric_limits<qint64>::min();
            thread_local qint64 cachedStart = 0;
            if (day != cachedDay) {
                cachedDay = day;
                cachedStart = periodStart(BudgetPeriod::Month, QDateTime::fromMSecsSinceEpoch(nowMs, Qt::UTC))
                                  .toMSecsSinceEpoch();
            }
            return cachedStart;
        }
        case BudgetPeriod::Total: break;
    }
    return 0;
}

QDateTime periodEnd(BudgetPeriod period, const QDateTime& now) {
    const QDateTime start = periodStart(period, now);
    switch (period) {
        case BudgetPeriod::Day: return start.addDays(1);
        case BudgetPeriod::Week: return start.addDays(7);
        case BudgetPeriod::Month: return start.addMonths(1);
        case BudgetPeriod::Total: break;
    }
    return {};
}

Result<KeyPolicy> KeyPolicy::fromJson(const QJsonObject& o) {
    KeyPolicy p;
    auto bad = [](const char* field, const char* what) {
        return ApiError::badRequest(QStringLiteral("Key policy: '%1' %2.").arg(QLatin1String(field), QLatin1String(what)),
                                    QLatin1String(field), QStringLiteral("invalid_policy"));
    };
    const QJsonValue models = o.value(QStringLiteral("models"));
    if (models.isArray()) {
        for (const QJsonValue& m : models.toArray()) {
            if (!m.isString() || m.toString().isEmpty()) return bad("models", "must list model names or patterns");
            p.models.append(m.toString());
        }
    } else if (!models.isUndefined() && !models.isNull()) {
        return bad("models", "must be an array of model names or patterns");
    }
    const QJsonValue budget = o.value(QStringLiteral("budget_usd"));
    if (budget.isDouble() && budget.toDouble() >= 0) p.budgetMicros = usdToMicros(budget.toDouble());
    else if (!budget.isUndefined() && !budget.isNull()) return bad("budget_usd", "must be a non-negative number");
    const QJsonValue period = o.value(QStringLiteral("budget_period"));
    if (period.isString()) {
        const auto parsed = budgetPeriodFromName(period.toString());
        if (!parsed) return bad("budget_period", "must be day, week, month or total");
        p.period = *parsed;
    } else if (!period.isUndefined() && !period.isNull()) {
        return bad("budget_period", "must be day, week, month or total");
    }
    auto count = [&o](const char* field, qint64& out) {
        const QJsonValue v = o.value(QLatin1String(field));
        if (v.isUndefined() || v.isNull()) return true;
        const double d = v.toDouble(-1);
        if (!v.isDouble() || d < 0 || d != double(qint64(d))) return false;
        out = qint64(d);
        return true;
    };
    qint64 rpm = 0, conc = 0;
    // Up to 100 M a minute: a fast local server can take more than 1 M (17k a second) from one key.
    if (!count("rpm", rpm) || rpm > 100'000'000) return bad("rpm", "must be a whole number from 0 to 100000000");
    if (!count("tpm", p.tpm)) return bad("tpm", "must be a non-negative integer");
    if (!count("max_concurrent", conc) || conc > 1'000'000) return bad("max_concurrent", "must be a whole number from 0 to 1000000");
    p.rpm = int(rpm);
    p.maxConcurrent = int(conc);
    const QJsonValue expires = o.value(QStringLiteral("expires_at"));
    if (expires.isString()) {
        p.expiresAt = QDateTime::fromString(expires.toString(), Qt::ISODateWithMs);
        if (!p.expiresAt.isValid()) return bad("expires_at", "must be an ISO 8601 time such as 2026-01-31T00:00:00Z");
        p.expiresAt = p.expiresAt.toUTC();
    } else if (!expires.isUndefined() && !expires.isNull()) {
        return bad("expires_at", "must be an ISO 8601 time");
    }
    return p;
}

QJsonObject KeyPolicy::toJson() const {
    QJsonObject o;
    if (!models.isEmpty()) o.insert(QStringLiteral("models"), QJsonArray::fromStringList(models));
    if (budgetMicros >= 0) {
        o.insert(QStringLiteral("budget_usd"), double(budgetMicros) / 1e6);
        o.insert(QStringLiteral("budget_period"), budgetPeriodName(period));
    }
    if (rpm > 0) o.insert(QStringLiteral("rpm"), rpm);
    if (tpm > 0) o.insert(QStringLiteral("tpm"), tpm);
    if (maxConcurrent > 0) o.insert(QStringLiteral("max_concurrent"), maxConcurrent);
    if (expiresAt.isValid()) o.insert(QStringLiteral("expires_at"), expiresAt.toUTC().toString(Qt::ISODate));
    return o;
}

bool KeyPolicy::allowsModel(const QString& model) const {
    if (models.isEmpty()) return true;
    for (const QString& pattern : models) {
        if (pattern == model) return true;
        if (globMatch(pattern, model)) return true;
    }
    return false;
}

Result<QJsonObject> keyPolicyFromFlags(const QHash<QString, QString>& flags) {
    QJsonObject o;
    auto number = [&](const char* flag, const char* field) -> Status {
        const QString v = flags.value(QLatin1String(flag));
        if (v.isEmpty()) return Ok{};
        bool ok = false;
        const double d = v.toDouble(&ok);
        if (!ok) return ApiError::badRequest(QStringLiteral("--%1: '%2' is not a number").arg(QLatin1String(flag), v),
                                             QLatin1String(flag));
        o.insert(QLatin1String(field), d);
        return Ok{};
    };
    if (const QString models = flags.value(QStringLiteral("models")); !models.isEmpty()) {
        QJsonArray list;
        for (const QString& m : models.split(QLatin1Char(','), Qt::SkipEmptyParts)) list.append(m.trimmed());
        o.insert(QStringLiteral("models"), list);
    }
    for (auto [flag, field] : {std::pair{"budget", "budget_usd"}, std::pair{"rpm", "rpm"}, std::pair{"tpm", "tpm"},
                               std::pair{"max-concurrent", "max_concurrent"}}) {
        if (Status s = number(flag, field); !s) return s.error();
    }
    if (const QString period = flags.value(QStringLiteral("period")); !period.isEmpty())
        o.insert(QStringLiteral("budget_period"), period);
    if (const QString expires = flags.value(QStringLiteral("expires")); !expires.isEmpty())
        o.insert(QStringLiteral("expires_at"), expires);
    auto policy = KeyPolicy::fromJson(o);
    if (!policy) return policy.error();
    return policy->toJson();
}

}  // namespace ar
