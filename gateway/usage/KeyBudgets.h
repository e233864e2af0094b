#pragma once

#include <QDateTime>
#include <QList>

#include "auth/KeyStore.h"
#include "usage/KeyPolicy.h"
#include "usage/UsageQueries.h"

namespace ar {

// A key's spend in its budget period (the policy's period; month when it sets none).
struct KeyBudgetStatus {
    QString keyId;
    QString keyName;
    BudgetPeriod period = BudgetPeriod::Month;
    qint64 budgetMicros = -1;  // -1: no budget
    qint64 spendMicros = 0;
    QDateTime periodStart;  // UTC
    QDateTime resetsAt;     // invalid for "total"

    bool hasBudget() const { return budgetMicros > 0; }
    double fraction() const {
        return hasBudget() ? double(spendMicros) / double(budgetMicros) : 0.0;
    }
};

// Spend against budget of every active key, from the ledger. Touches the database: call it
// off the GUI thread.
QList<KeyBudgetStatus> keyBudgetStatuses(const QList<KeyRecord>& keys, UsageQueries& usage,
                                         const QDateTime& nowUtc);

}  // namespace ar
