#pragma once

#include <QSqlDatabase>
#include <array>

#include "core/Result.h"

namespace ar::ledger_schema {

// Schema version this build writes. Each migration runs once, in order, inside a transaction,
// and is recorded in schema_migrations; a database newer than this build is refused.
int currentVersion();

// WAL + synchronous=NORMAL: a commit survives a process kill (the WAL is in the OS cache);
// a power cut may lose the last commits, never corrupt the file. busy_timeout covers the
// reader connections briefly contending with the writer.
Status configure(QSqlDatabase& db);
// The statements configure() runs, for connections opened without Qt Sql (LedgerInserter).
inline constexpr const char* kConnectionPragmas[] = {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL",
                                                     "PRAGMA busy_timeout=5000", "PRAGMA foreign_keys=ON"};
Status migrate(QSqlDatabase& db);

// The data columns of the requests view (the v4 table's), in the order selects and the journal
// use. Rows are written to request_rows, their route to request_routes (see the v5 migration).
const char* columnList();

// request_minutes (see the v4 migration): the lowest and highest id of the rows of each minute.
inline constexpr qint64 kMinuteMs = 60'000;
// Truncates toward zero as SQLite's integer division does (the migration fills it in SQL).
inline qint64 minuteOf(qint64 tsMs) { return tsMs / kMinuteMs; }
// "requests finished in [from, to)": a WHERE condition searching the table by id between the
// ids request_minutes gives for the range, then exact on ts_ms; and its 6 values, in order.
const char* inTimeRange();
std::array<qint64, 6> inTimeRangeValues(qint64 fromMs, qint64 toMs);

}  // namespace ar::ledger_schema
