#include "events/Notifications.h"

namespace ar {

namespace {

QString usd(qint64 micros) { return QStringLiteral("$%1").arg(double(micros) / 1e6, 0, 'f', 2); }

QString periodWords(BudgetPeriod p) {
    switch (p) {
        case BudgetPeriod::Day:
            return QStringLiteral("today");
        case BudgetPeriod::Week:
            return QStringLiteral("this week");
        case BudgetPeriod::Month:
            return QStringLiteral("this month");
        case BudgetPeriod::Total:
            break;
    }
    return QStringLiteral("in total");
}

}  // namespace

QList<Notification> NotificationRules::onBudgets(const QList<KeyBudgetStatus>& budgets) {
    QList<Notification> out;
    for (const KeyBudgetStatus& b : budgets) {
        if (!b.hasBudget()) continue;
        const QString period = b.periodStart.toString(Qt::ISODate);
        const QString full = b.keyId + QStringLiteral("|100|") + period;
        const QString warn = b.keyId + QStringLiteral("|80|") + period;
        const QString spent =
            QStringLiteral("Key \"%1\" has spent %2 of its %3 budget %4.")
                .arg(b.keyName, usd(b.spendMicros), usd(b.budgetMicros), periodWords(b.period));
        if (b.spendMicros >= b.budgetMicros) {
            if (m_fired.contains(full)) continue;
            m_fired.insert(full);
            m_fired.insert(warn);  // reaching 100% at once says it all
            out.append(
                {Notification::Kind::BudgetReached, b.keyId, QStringLiteral("Budget reached"),
                 spent + QStringLiteral(" Its requests are refused until the budget resets.")});
        } else if (b.fraction() >= kWarnFraction && !m_fired.contains(warn)) {
            m_fired.insert(warn);
            out.append({Notification::Kind::BudgetWarning, b.keyId,
                        QStringLiteral("Budget 80% used"), spent});
        }
    }
    return out;
}

QStringList NotificationRules::announced() const {
    QStringList out(m_fired.begin(), m_fired.end());
    out.sort();
    return out;
}

void NotificationRules::restoreAnnounced(const QStringList& announced) {
    for (const QString& a : announced) m_fired.insert(a);
}

QList<Notification> NotificationRules::onHealth(const QList<HealthReport>& health) {
    QList<Notification> out;
    for (const HealthReport& h : health) {
        const bool down = h.down();
        const auto it = m_down.constFind(h.provider);
        const bool wasDown = it != m_down.constEnd() && *it;
        m_down.insert(h.provider, down);
        if (down && !wasDown) {
            QString message =
                QStringLiteral(
                    "Provider \"%1\" is failing; its routes fail over to their next target.")
                    .arg(h.provider);
            if (!h.lastError.isEmpty()) message += QStringLiteral(" Last error: ") + h.lastError;
            out.append({Notification::Kind::ProviderDown, h.provider,
                        QStringLiteral("Provider down"), message});
        } else if (!down && wasDown && h.status == HealthStatus::Healthy) {
            out.append({Notification::Kind::ProviderUp, h.provider,
                        QStringLiteral("Provider back up"),
                        QStringLiteral("Provider \"%1\" answers again.").arg(h.provider)});
        }
    }
    return out;
}

}  // namespace ar
