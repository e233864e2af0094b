#pragma once

#include <QJsonObject>
#include <QList>
#include <utility>

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

// Journal lines: tab-separated, tagged "J1", ended by '\n'. Cheap to write on the proxy
// thread (no JSON document per request); a line without its '\n' was torn by a kill and is
// skipped on replay, as is anything that does not parse.
QByteArray journalLine(const QString& uid, const LedgerRow& row);
// The lines of a journal file; rows keep their uid (replays are idempotent).
QList<std::pair<QString, LedgerRow>> parseJournal(const QByteArray& journal);

QByteArray csvHeader();
QByteArray csvLine(const LedgerRow& row);

}  // namespace ar::ledger_row
