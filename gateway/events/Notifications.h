#pragma once

#include <QHash>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

#include "routing/HealthReport.h"
#include "usage/KeyBudgets.h"

namespace ar {

// Something worth telling the user outside the window (the tray shows it).
struct Notification {
    enum class Kind { BudgetWarning, BudgetReached, ProviderDown, ProviderUp };
    Kind kind;
    QString subject;  // key id or provider id
    QString title;
    QString message;
};

// Decides when to notify: a key reaching 80% and 100% of its budget (each once per budget
// period), a provider going down and coming back. Fed with fresh snapshots as often as the
// caller likes; it remembers what it already said.
class NotificationRules {
public:
    static constexpr double kWarnFraction = 0.8;

    QList<Notification> onBudgets(const QList<KeyBudgetStatus>& budgets);
    QList<Notification> onHealth(const QList<HealthReport>& health);

    // The budget thresholds already announced, to keep across restarts (the window stores them
    // in its settings) so a restart in the same period does not announce them again.
    QStringList announced() const;
    void restoreAnnounced(const QStringList& announced);

private:
    QSet<QString> m_fired;        // "<key id>|<threshold>|<period start>"
    QHash<QString, bool> m_down;  // provider -> last seen down
};

}  // namespace ar
