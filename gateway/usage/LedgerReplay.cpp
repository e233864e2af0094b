#include "usage/LedgerReplay.h"

#include <QSqlError>
#include <QSqlQuery>
#include <algorithm>

#include "usage/LedgerInserter.h"

namespace ar::ledger_replay {

namespace {

ApiError sqlError(const QString& what, const QSqlError& e) {
    return ApiError::internal(QStringLiteral("Usage ledger: %1: %2").arg(what, e.text()));
}

}  // namespace

QList<JournalEntry> missing(const QList<JournalEntry>& journal, const JournalMark& mark,
                            const QSet<QString>& v1Uids) {
    QList<JournalEntry> out;
    QSet<QString> seen = v1Uids;
    for (const JournalEntry& e : journal) {
        if (e.seq > 0) {
            if (!mark.covers(e)) out.append(e);
            continue;
        }
        const QString uid = requestUid(e);
        if (!seen.contains(uid)) {
            seen.insert(uid);
            out.append(e);
        }
    }
    return out;
}

Status replay(QSqlDatabase& db, const QString& dbPath, const QByteArray& journal) {
    const QList<JournalEntry> entries = ledger_journal::parse(journal);
    if (entries.isEmpty()) return Ok{};
    QSqlQuery q(db);
    JournalMark mark;
    if (!q.exec(QStringLiteral("SELECT process, seq FROM journal_mark")))
        return sqlError(QStringLiteral("reading the journal mark"), q.lastError());
    if (q.next()) mark = {q.value(0).toString().toLatin1(), q.value(1).toULongLong()};

    // v1 lines: request_uid is no longer indexed, but the rows the killed v1 process committed
    // from them are the newest of the table (it emptied the journal when it started, and was
    // the last to write): at most one per v1 line, read once at start.
    const auto v1Lines = std::count_if(entries.begin(), entries.end(), [](const JournalEntry& e) { return e.seq == 0; });
    QSet<QString> v1Uids;
    if (v1Lines > 0) {
        q.prepare(QStringLiteral("SELECT request_uid FROM request_uids ORDER BY id DESC LIMIT ?"));
        q.addBindValue(qint64(v1Lines));
        if (!q.exec()) return sqlError(QStringLiteral("reading uids"), q.lastError());
        while (q.next()) v1Uids.insert(q.value(0).toString());
    }
    q.finish();

    const QList<JournalEntry> rows = missing(entries, mark, v1Uids);
    if (rows.isEmpty()) return Ok{};
    LedgerInserter inserter;
    if (Status s = inserter.open(dbPath); !s) return s;
    return inserter.insert(rows);
}

}  // namespace ar::ledger_replay
