#pragma once

#include <QSqlDatabase>

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

// The requests table's data columns, in the order insert and select use.
const char* columnList();

}  // namespace ar::ledger_schema
