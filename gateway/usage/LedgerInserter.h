#pragma once

#include <QList>
#include <QString>
#include <utility>

#include "core/Result.h"
#include "usage/UsageQueries.h"

struct sqlite3;
struct sqlite3_stmt;

namespace ar {

// The ledger's write side on the SQLite C API: one connection and one INSERT prepared once
// for its whole life, rows bound as plain integers and UTF-8 text. Qt Sql's QVariant binding
// and per-batch prepare cost more than the insert itself, and this runs on the same core as
// the proxy. Used by the writer thread and by the journal replay at start; one thread at a time.
class LedgerInserter {
public:
    LedgerInserter() = default;
    ~LedgerInserter();
    LedgerInserter(const LedgerInserter&) = delete;
    LedgerInserter& operator=(const LedgerInserter&) = delete;

    // Opens an existing, migrated ledger database.
    Status open(const QString& path);
    bool isOpen() const { return m_stmt != nullptr; }
    // One transaction; rows whose uid is already there (a replayed journal) are skipped.
    Status insert(const QList<std::pair<QString, LedgerRow>>& rows);
    void close();

private:
    ApiError error(const QString& what) const;

    QString m_path;
    sqlite3* m_db = nullptr;
    sqlite3_stmt* m_stmt = nullptr;
};

}  // namespace ar
