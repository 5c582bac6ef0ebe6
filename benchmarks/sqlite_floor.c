/* The SQLite floor for cdrpipe's schema: inserts N synthetic records into the same table and indexes
 * (8 KiB pages, WAL, synchronous=NORMAL, 16 MiB cache, a commit every 250,000 rows, upsert on the
 * content key), doing nothing else. No parsing, no normalisation, no hashing: what SQLite alone costs.
 * Build: cc -O2 sqlite_floor.c -lsqlite3   Run: ./a.out ROWS DB */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void exec(sqlite3 *db, const char *sql) {
    char *error = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &error) != SQLITE_OK) {
        fprintf(stderr, "%s\n", error);
        exit(1);
    }
}

int main(int argc, char **argv) {
    long rows = argc > 1 ? atol(argv[1]) : 1000000;
    const char *path = argc > 2 ? argv[2] : "floor.db";
    sqlite3 *db;
    unlink(path);
    sqlite3_open(path, &db);
    exec(db, "PRAGMA page_size=8192; PRAGMA auto_vacuum=INCREMENTAL; PRAGMA journal_mode=WAL;"
             "PRAGMA synchronous=NORMAL; PRAGMA cache_size=-16384;");
    exec(db, "CREATE TABLE records(id INTEGER PRIMARY KEY, day INTEGER NOT NULL,"
             " key BLOB NOT NULL CHECK (length(key) = 16), calling TEXT NOT NULL, dialled TEXT NOT NULL,"
             " diverting TEXT, start_at INTEGER NOT NULL, answer_at INTEGER, end_at INTEGER NOT NULL,"
             " duration INTEGER NOT NULL, billsec INTEGER NOT NULL,"
             " disposition INTEGER NOT NULL CHECK (disposition BETWEEN 0 AND 6), carrier TEXT NOT NULL,"
             " channel TEXT NOT NULL, account TEXT NOT NULL, source_id TEXT NOT NULL, file_id INTEGER NOT NULL,"
             " line INTEGER NOT NULL, imsi TEXT NOT NULL DEFAULT '', imei TEXT NOT NULL DEFAULT '',"
             " cell TEXT NOT NULL DEFAULT '') STRICT;"
             "CREATE UNIQUE INDEX records_by_calling ON records(day, calling, key);"
             "CREATE INDEX records_by_dialled ON records(day, dialled);");
    sqlite3_stmt *insert;
    sqlite3_prepare_v2(db,
        "INSERT INTO records(day, key, calling, dialled, diverting, start_at, answer_at, end_at, duration,"
        " billsec, disposition, carrier, channel, account, source_id, file_id, line, imsi, imei, cell)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (day, calling, key) DO NOTHING",
        -1, &insert, NULL);
    char calling[32], dialled[32], id[48], channel[32];
    unsigned char key[16];
    long subscribers = rows / 40 > 200 ? rows / 40 : 200;
    long long first = 1767225600, span = 30LL * 86400;
    srand(42);
    double started = now();
    exec(db, "BEGIN IMMEDIATE");
    for (long i = 0; i < rows; i++) {
        long long start = first + (long long)i * span / rows;
        for (int k = 0; k < 16; k++) key[k] = (unsigned char)rand();
        snprintf(calling, sizeof calling, "+447%09ld", rand() % subscribers);
        snprintf(dialled, sizeof dialled, "+44%010d", rand() % 50000000);
        snprintf(id, sizeof id, "%lld.%ld", start, i);
        snprintf(channel, sizeof channel, "SIP/carrier-a-%08lx", i);
        sqlite3_bind_int64(insert, 1, start / 86400);
        sqlite3_bind_blob(insert, 2, key, 16, SQLITE_TRANSIENT);
        sqlite3_bind_text(insert, 3, calling, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(insert, 4, dialled, -1, SQLITE_TRANSIENT);
        sqlite3_bind_null(insert, 5);
        sqlite3_bind_int64(insert, 6, start);
        sqlite3_bind_int64(insert, 7, start + 5);
        sqlite3_bind_int64(insert, 8, start + 95);
        sqlite3_bind_int64(insert, 9, 95);
        sqlite3_bind_int64(insert, 10, 90);
        sqlite3_bind_int64(insert, 11, 0);
        sqlite3_bind_text(insert, 12, "SIP/carrier-a", -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(insert, 13, channel, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(insert, 14, "", -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(insert, 15, id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(insert, 16, 1);
        sqlite3_bind_int64(insert, 17, i + 1);
        sqlite3_bind_text(insert, 18, "", -1, SQLITE_STATIC);
        sqlite3_bind_text(insert, 19, "", -1, SQLITE_STATIC);
        sqlite3_bind_text(insert, 20, "", -1, SQLITE_STATIC);
        if (sqlite3_step(insert) != SQLITE_DONE) {
            fprintf(stderr, "%s\n", sqlite3_errmsg(db));
            return 1;
        }
        sqlite3_reset(insert);
        if (i % 250000 == 249999) exec(db, "COMMIT; BEGIN IMMEDIATE");
    }
    exec(db, "COMMIT");
    double seconds = now() - started;
    sqlite3_finalize(insert);
    sqlite3_close(db);
    printf("%ld rows in %.2f s: %.0f rows/s\n", rows, seconds, rows / seconds);
    return 0;
}
