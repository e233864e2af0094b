#pragma once

#include <QByteArray>
#include <QString>

#include "core/Result.h"

namespace ar {

// ledger.journal, written through a shared memory mapping: an append is a memcpy, no system
// call. The mapping's pages are the file's page cache, so a line survives a process kill as a
// write() would (neither survives a power cut: no fsync, as before).
//
// The file is preallocated with zeros (kInitialBytes, doubled when full) and holds complete
// lines followed by a NUL: a reader stops at the first NUL. A line's first byte is stored last
// (a release store over the NUL that ended the journal), so a kill in the middle of a copy
// leaves that NUL in place and the torn line is never read. reset() starts over at offset 0 by
// putting a NUL there: the previous lines behind it become unreachable at once, and each later
// append puts a NUL after itself, so no stale byte is ever read as part of the journal.
class LedgerJournalFile {
public:
    static constexpr qint64 kInitialBytes = 4 << 20;

    LedgerJournalFile() = default;
    ~LedgerJournalFile();
    LedgerJournalFile(const LedgerJournalFile&) = delete;
    LedgerJournalFile& operator=(const LedgerJournalFile&) = delete;

    // The lines a previous process left at `path`, up to the first NUL: this format, or an
    // older build's plain appended file (no NUL at all).
    static QByteArray readLines(const QString& path);

    // Empties the file at `path` (creating it), preallocates it and maps it.
    Status open(const QString& path);
    bool isOpen() const { return m_map != nullptr; }
    // Appends `head` + `body` as one line (the caller serializes appends and resets); false
    // when the file cannot grow (the disk is full).
    bool append(const char* head, qsizetype headSize, const char* body, qsizetype bodySize);
    // Bytes of lines since the last reset.
    qint64 used() const { return m_used; }
    // Forgets every line (all committed); a file that had grown returns to kInitialBytes.
    void reset();
    void close();

private:
    bool grow(qint64 atLeast);
    bool map(qint64 bytes);

    QString m_path;
    int m_fd = -1;
    char* m_map = nullptr;
    qint64 m_mapped = 0;
    qint64 m_used = 0;
};

}  // namespace ar
