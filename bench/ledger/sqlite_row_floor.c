/* What one ledger row costs SQLite itself, with nothing of the gateway around it: the floor under
 * the ledger writer's cost per row (bench/README.md, seventh session).
 *
 *   gcc -O2 bench/ledger/sqlite_row_floor.c -lsqlite3 -o /tmp/sqlite_row_floor
 *   valgrind --tool=callgrind --callgrind-out-file=/tmp/floor.out /tmp/sqlite_row_floor wide 256
 *   # instructions per row: callgrind's "Collected" / 102400; also: narrow 256, wide 1024, narrow 1024
 *
 * Inserts 102400 plain rows the way LedgerInserter does: 16 rows per prepared INSERT, 9 bound
 * integers a row (status and attempts literal), WAL, synchronous=NORMAL, no checkpoint. "wide" is
 * the shipped request_rows table (schema v5); "narrow" keeps only the columns a plain row fills.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char* kWide =
    "CREATE TABLE request_rows (id INTEGER PRIMARY KEY, request_uid TEXT, request_id INTEGER,"
    " ts_ms INTEGER, route_id INTEGER, status INTEGER DEFAULT 0, error_code TEXT DEFAULT '',"
    " attempts INTEGER DEFAULT 0, prompt_tokens INTEGER DEFAULT 0, cached_tokens INTEGER DEFAULT 0,"
    " cache_write_tokens INTEGER DEFAULT 0, completion_tokens INTEGER DEFAULT 0,"
    " reasoning_tokens INTEGER DEFAULT 0, images INTEGER DEFAULT 0, image_size TEXT DEFAULT '',"
    " image_quality TEXT DEFAULT '', cost_micros INTEGER DEFAULT -1, usage_estimated INTEGER DEFAULT 0,"
    " latency_ms INTEGER DEFAULT -1, ttfb_ms INTEGER DEFAULT -1)";
static const char* kNarrow =
    "CREATE TABLE request_rows (id INTEGER PRIMARY KEY, request_id INTEGER, ts_ms INTEGER,"
    " route_id INTEGER, status INTEGER, attempts INTEGER, prompt_tokens INTEGER, cached_tokens INTEGER,"
    " completion_tokens INTEGER, cost_micros INTEGER, latency_ms INTEGER, ttfb_ms INTEGER)";

enum { kRows = 102400, kRowsPerStatement = 16 };

static int check(sqlite3* db, int rc, const char* what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE) {
        fprintf(stderr, "%s: %s\n", what, sqlite3_errmsg(db));
        exit(1);
    }
    return rc;
}

int main(int argc, char** argv) {
    if (argc != 3 || (strcmp(argv[1], "wide") && strcmp(argv[1], "narrow"))) {
        fprintf(stderr, "usage: %s wide|narrow ROWS_PER_TRANSACTION\n", argv[0]);
        return 2;
    }
    const int perTransaction = atoi(argv[2]);
    if (perTransaction < kRowsPerStatement || perTransaction % kRowsPerStatement) {
        fprintf(stderr, "rows per transaction: a multiple of %d\n", kRowsPerStatement);
        return 2;
    }
    const char* path = "/tmp/sqlite_row_floor.db";
    remove(path);
    remove("/tmp/sqlite_row_floor.db-wal");
    remove("/tmp/sqlite_row_floor.db-shm");
    sqlite3* db = NULL;
    check(db, sqlite3_open(path, &db), "open");
    check(db, sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=0",
                           NULL, NULL, NULL), "pragma");
    check(db, sqlite3_exec(db, strcmp(argv[1], "wide") ? kNarrow : kWide, NULL, NULL, NULL), "create");

    char sql[4096] = "INSERT INTO request_rows (request_id, ts_ms, route_id, status, attempts, prompt_tokens,"
                     " cached_tokens, completion_tokens, cost_micros, latency_ms, ttfb_ms) VALUES ";
    for (int i = 0; i < kRowsPerStatement; i++) strcat(sql, i ? ",(?,?,?,200,1,?,?,?,?,?,?)" : "(?,?,?,200,1,?,?,?,?,?,?)");
    sqlite3_stmt *insert, *begin, *commit;
    check(db, sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &insert, NULL), "prepare");
    check(db, sqlite3_prepare_v2(db, "BEGIN", -1, &begin, NULL), "prepare");
    check(db, sqlite3_prepare_v2(db, "COMMIT", -1, &commit, NULL), "prepare");

    sqlite3_int64 requestId = 1, ts = 1764000000000LL;
    for (int done = 0; done < kRows; done += perTransaction) {
        check(db, sqlite3_step(begin), "begin");
        sqlite3_reset(begin);
        for (int k = 0; k < perTransaction; k += kRowsPerStatement) {
            int p = 1;
            for (int n = 0; n < kRowsPerStatement; n++) {
                const sqlite3_int64 values[9] = {requestId++, ts++, 3, 12, 0, 9, 3600, 2, 0};
                for (int v = 0; v < 9; v++) sqlite3_bind_int64(insert, p++, values[v]);
            }
            check(db, sqlite3_step(insert), "insert");
            sqlite3_reset(insert);
        }
        check(db, sqlite3_step(commit), "commit");
        sqlite3_reset(commit);
    }
    sqlite3_finalize(insert);
    sqlite3_finalize(begin);
    sqlite3_finalize(commit);
    sqlite3_close(db);
    printf("%d rows, %d per transaction, %s table\n", kRows, perTransaction, argv[1]);
    return 0;
}
