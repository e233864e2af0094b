#pragma once

#include <QJsonObject>

#include "events/RequestEvent.h"
#include "usage/UsageQueries.h"

class QSqlQuery;

namespace ar::ledger_row {

LedgerRow fromEvent(const RequestEvent& event);

// JSON (the admin API and the JSON export): snake_case, cost as micros and as "cost_usd"
// (null when unknown).
QJsonObject toJson(const LedgerRow& row);

// Reads "id, <columnList>" from the current record.
LedgerRow read(const QSqlQuery& query);

QByteArray csvHeader();
QByteArray csvLine(const LedgerRow& row);

}  // namespace ar::ledger_row
