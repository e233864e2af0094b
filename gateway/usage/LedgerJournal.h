#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QVarLengthArray>

#include "usage/UsageQueries.h"

namespace ar {

// One finished request as the ledger journals, queues and inserts it.
struct JournalEntry {
    QByteArray process;  // nonce (base 36) of the process that journaled it: request ids restart
    quint64 seq = 0;     // its place in that process's journal, from 1; 0: a v1 line has none
    quint64 requestId = 0;
    LedgerRow row;
};

// The journal line of the last row committed (journal_mark): rows commit in journal order, so
// it covers every earlier line of the same process.
struct JournalMark {
    QByteArray process;
    quint64 seq = 0;

    bool covers(const JournalEntry& e) const { return e.seq > 0 && e.process == process && e.seq <= seq; }
};

// `process-requestId`: the requests.request_uid column, for correlation (and v1 dedupe).
QString requestUid(const JournalEntry& entry);

namespace ledger_journal {

// Journal lines: tab-separated, '\n'-terminated, text fields escaped (\\, \t, \n). Current:
//   J2 <process> <seq> <requestId> <the 22 columns of ledger_schema::columnList()>
// Older builds wrote J1 <process>-<requestId> <22 columns>; those are still read.
//
// A line is appended as head + body (LedgerJournalFile::append): the body is built on the proxy
// thread outside the ledger's lock, only the head (which carries the sequence) under it.
// On the stack: room for a typical line's worst case (about 600 bytes), so no allocation.
using Buffer = QVarLengthArray<char, 1024>;
void appendBody(Buffer& out, quint64 requestId, const LedgerRow& row);
void appendHead(Buffer& out, const QByteArray& process, quint64 seq);
// A whole line (tests and tools).
QByteArray line(const JournalEntry& entry);

// The complete lines of a journal, J1 and J2 alike, in file order. A torn last line (no '\n')
// belongs to a request that never finished and is skipped, as is anything that does not parse.
// A NUL ends the journal (the mapped file's format, see LedgerJournalFile).
QList<JournalEntry> parse(const QByteArray& journal);

}  // namespace ledger_journal
}  // namespace ar
