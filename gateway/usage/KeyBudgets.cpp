#include "usage/KeyBudgets.h"

namespace ar {

QList<KeyBudgetStatus> keyBudgetStatuses(const QList<KeyRecord>& keys, UsageQueries& usage,
                                         const QDateTime& nowUtc) {
    QList<KeyBudgetStatus> out;
    for (const KeyRecord& k : keys) {
        if (k.revoked) continue;
        KeyBudgetStatus s;
        s.keyId = k.id;
        s.keyName = k.name;
        if (auto policy = KeyPolicy::fromJson(k.policy)) {
            s.period = policy->period;
            s.budgetMicros = policy->budgetMicros;
        }
        s.periodStart = periodStart(s.period, nowUtc);
        s.resetsAt = periodEnd(s.period, nowUtc);
        // `to` is exclusive: a request finished this very second still counts.
        s.spendMicros = usage.totals(s.periodStart, nowUtc.addSecs(1), k.id).costMicros;
        out.append(s);
    }
    return out;
}

}  // namespace ar
