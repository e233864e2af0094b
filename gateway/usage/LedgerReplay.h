#pragma once

#include <QList>
#include <QSet>
#include <QSqlDatabase>

#include "core/Result.h"
#include "usage/LedgerJournal.h"

namespace ar::ledger_replay {

// The entries of a journal left by a killed process that are not in the table yet:
// - a J2 line is there when the mark covers it. A J2 line of another process than the mark's
//   is not: each process empties the journal at start (after replaying it), so the journal
//   holds one process's lines, and the first commit of that process would have moved the mark
//   to it (in the same transaction as its rows);
// - a J1 line (an older build's) has no sequence: it is there when its uid is in `v1Uids`.
QList<JournalEntry> missing(const QList<JournalEntry>& journal, const JournalMark& mark,
                            const QSet<QString>& v1Uids);

// Replays `journal` into the migrated ledger `db` (its path: `dbPath`), in one transaction
// that moves the mark too: replaying the same journal again adds nothing.
Status replay(QSqlDatabase& db, const QString& dbPath, const QByteArray& journal);

}  // namespace ar::ledger_replay
