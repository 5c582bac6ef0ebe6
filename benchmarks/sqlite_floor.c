/* The SQLite floor for cdrpipe's schema: inserts N synthetic records into the same table (8 KiB pages, WAL,
 * synchronous=NORMAL, 16 MiB cache, a commit every 250,000 rows), doing nothing else. No parsing, no
 * normalisation, no hashing: what SQLite alone costs. LAYOUT picks how (issue 22's question):
 *   indexed   today's layout (the default): UNIQUE (day, calling, key) and (day, dialled) kept on every
 *             insert, upsert on the content key;
 *   append    no index while loading, duplicates found by an in-memory set of 64-bit key prefixes, then both
 *             indexes built in one sorted pass each (what closing the day would cost), timed apart;
 *   daily     as append, but each day's rows go to a table of their own, whose indexes are built when the
 *             next day's first row arrives (rows come in time order), so each sort is one day's and stays in
 *             the page cache; the builds are timed apart, as they could run beside the next day's load;
 *   bare      no index and no duplicate check;
 *   prefixed  as daily, but duplicates are found on disk, not in memory: each day's table keeps one index
 *             while it loads, UNIQUE on the key's first 64 bits as an INTEGER (a real store would check the
 *             whole key on a conflict, once in 2^64), the index a disk check needs once the in-memory set
 *             is too big or is gone after a restart;
 *   twice     as prefixed, every row inserted a second time at once: what a load whose records are all
 *             stored already (overlapping exports) costs per record, each one a hit on the prefix index;
 *   all       the six in turn, each against indexed.
 * Build: cc -O2 sqlite_floor.c -lsqlite3   Run: ./a.out ROWS DB [indexed|append|daily|bare|prefixed|twice|all] */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* Open-addressing set of nonzero 64-bit key prefixes; true when the key was new. */
static uint64_t *slots;
static size_t mask;
static int remember(uint64_t key) {
    if (key == 0) key = 1;
    for (size_t i = (size_t)(key * 0x9E3779B97F4A7C15ULL) & mask;; i = (i + 1) & mask) {
        if (slots[i] == key) return 0;
        if (slots[i] == 0) {
            slots[i] = key;
            return 1;
        }
    }
}

enum layout { INDEXED, APPEND, DAILY, BARE, PREFIXED, TWICE };
static const char *INDEXES = "CREATE UNIQUE INDEX records_by_calling ON records(day, calling, key);"
                             "CREATE INDEX records_by_dialled ON records(day, dialled);";
static const char *COLUMNS =
    "(id INTEGER PRIMARY KEY, day INTEGER NOT NULL,"
    " key BLOB NOT NULL CHECK (length(key) = 16), calling TEXT NOT NULL, dialled TEXT NOT NULL,"
    " diverting TEXT, start_at INTEGER NOT NULL, answer_at INTEGER, end_at INTEGER NOT NULL,"
    " duration INTEGER NOT NULL, billsec INTEGER NOT NULL,"
    " disposition INTEGER NOT NULL CHECK (disposition BETWEEN 0 AND 6), carrier TEXT NOT NULL,"
    " channel TEXT NOT NULL, account TEXT NOT NULL, source_id TEXT NOT NULL, file_id INTEGER NOT NULL,"
    " line INTEGER NOT NULL, imsi TEXT NOT NULL DEFAULT '', imei TEXT NOT NULL DEFAULT '',"
    " cell TEXT NOT NULL DEFAULT '') STRICT;";
static const char *VALUES = "(day, key, calling, dialled, diverting, start_at, answer_at, end_at, duration,"
                            " billsec, disposition, carrier, channel, account, source_id, file_id, line, imsi,"
                            " imei, cell) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

/* Creates day `day`'s table (no index, or with `prefixed` the unique key-prefix one) and prepares the insert
 * into it. */
static sqlite3_stmt *open_day(sqlite3 *db, long long day, int prefixed) {
    char sql[2048];
    sqlite3_stmt *insert;
    snprintf(sql, sizeof sql, "CREATE TABLE records_%lld%s", day, COLUMNS);
    exec(db, sql);
    if (prefixed) {
        snprintf(sql, sizeof sql,
            "ALTER TABLE records_%lld ADD COLUMN prefix INTEGER;"
            "CREATE UNIQUE INDEX records_%lld_by_prefix ON records_%lld(prefix);",
            day, day, day);
        exec(db, sql);
        snprintf(sql, sizeof sql,
            "INSERT INTO records_%lld(day, key, calling, dialled, diverting, start_at, answer_at, end_at,"
            " duration, billsec, disposition, carrier, channel, account, source_id, file_id, line, imsi, imei,"
            " cell, prefix) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (prefix) DO NOTHING",
            day);
        sqlite3_prepare_v2(db, sql, -1, &insert, NULL);
        return insert;
    }
    snprintf(sql, sizeof sql, "INSERT INTO records_%lld%s", day, VALUES);
    sqlite3_prepare_v2(db, sql, -1, &insert, NULL);
    return insert;
}

/* Builds day `day`'s two indexes; returns the seconds it took. */
static double close_day(sqlite3 *db, long long day) {
    char sql[512];
    double started = now();
    snprintf(sql, sizeof sql,
        "CREATE UNIQUE INDEX records_%lld_by_calling ON records_%lld(day, calling, key);"
        "CREATE INDEX records_%lld_by_dialled ON records_%lld(day, dialled);",
        day, day, day, day);
    exec(db, sql);
    return now() - started;
}

/* Loads `rows` records into a new database at `path`; returns the load's seconds and, for APPEND, puts the
 * index build's seconds in `indexing`. */
static double load(const char *path, long rows, enum layout layout, double *indexing) {
    sqlite3 *db;
    char wal[1024];
    unlink(path);
    snprintf(wal, sizeof wal, "%s-wal", path);
    unlink(wal);
    sqlite3_open(path, &db);
    exec(db, "PRAGMA page_size=8192; PRAGMA auto_vacuum=INCREMENTAL; PRAGMA journal_mode=WAL;"
             "PRAGMA synchronous=NORMAL; PRAGMA cache_size=-16384; PRAGMA temp_store=FILE;");
    char sql[2048];
    snprintf(sql, sizeof sql, "CREATE TABLE records%s", COLUMNS);
    exec(db, sql);
    if (layout == INDEXED) exec(db, INDEXES);
    sqlite3_stmt *insert = NULL;
    snprintf(sql, sizeof sql, "INSERT INTO records%s%s", VALUES,
        layout == INDEXED ? " ON CONFLICT (day, calling, key) DO NOTHING" : "");
    int daily = layout == DAILY || layout == PREFIXED || layout == TWICE;
    if (!daily) sqlite3_prepare_v2(db, sql, -1, &insert, NULL);
    long long open = -1;
    *indexing = 0;
    if (layout == APPEND || layout == DAILY) {
        size_t size = 1;
        while (size < (size_t)rows * 2) size <<= 1;
        slots = calloc(size, sizeof *slots);
        mask = size - 1;
    }
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
        if (daily && start / 86400 != open) {
            if (insert) {
                sqlite3_finalize(insert);
                exec(db, "COMMIT");
                *indexing += close_day(db, open);
                exec(db, "BEGIN IMMEDIATE");
            }
            open = start / 86400;
            insert = open_day(db, open, layout == PREFIXED || layout == TWICE);
        }
        if (layout == APPEND || layout == DAILY) {
            uint64_t prefix;
            memcpy(&prefix, key, 8);
            if (!remember(prefix)) continue; /* a real store checks the table on a prefix collision */
        }
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
        if (layout == PREFIXED || layout == TWICE) {
            int64_t prefix;
            memcpy(&prefix, key, 8);
            sqlite3_bind_int64(insert, 21, prefix);
        }
        if (sqlite3_step(insert) != SQLITE_DONE) {
            fprintf(stderr, "%s\n", sqlite3_errmsg(db));
            exit(1);
        }
        sqlite3_reset(insert);
        if (layout == TWICE) {
            if (sqlite3_step(insert) != SQLITE_DONE || sqlite3_changes(db) != 0) {
                fprintf(stderr, "the second insert was not a duplicate\n");
                exit(1);
            }
            sqlite3_reset(insert);
        }
        if (i % 250000 == 249999) exec(db, "COMMIT; BEGIN IMMEDIATE");
    }
    exec(db, "COMMIT");
    if (daily && open >= 0) *indexing += close_day(db, open);
    double seconds = now() - started - *indexing;
    if (layout == APPEND) {
        started = now();
        exec(db, INDEXES);
        *indexing = now() - started;
    }
    if (layout == APPEND || layout == DAILY) free(slots);
    sqlite3_finalize(insert);
    sqlite3_close(db);
    return seconds;
}

int main(int argc, char **argv) {
    long rows = argc > 1 ? atol(argv[1]) : 1000000;
    const char *path = argc > 2 ? argv[2] : "floor.db";
    const char *mode = argc > 3 ? argv[3] : "indexed";
    double indexing;
    if (strcmp(mode, "all") != 0) {
        enum layout layout = strcmp(mode, "append") == 0 ? APPEND
                             : strcmp(mode, "daily") == 0 ? DAILY
                             : strcmp(mode, "bare") == 0  ? BARE
                             : strcmp(mode, "prefixed") == 0 ? PREFIXED
                             : strcmp(mode, "twice") == 0 ? TWICE
                                                          : INDEXED;
        double seconds = load(path, rows, layout, &indexing) + indexing;
        printf("%ld rows in %.2f s: %.0f rows/s\n", rows, seconds, rows / seconds);
        return 0;
    }
    const char *names[] = {"indexed", "append", "daily", "bare", "prefixed", "twice"};
    double indexed = 0;
    for (int layout = INDEXED; layout <= TWICE; layout++) {
        double loading = load(path, rows, (enum layout)layout, &indexing);
        if (layout == INDEXED) indexed = loading;
        printf("%-8s load %9.0f rows/s (%.2f s)", names[layout], rows / loading, loading);
        if (layout == APPEND || layout == DAILY || layout >= PREFIXED)
            printf("; indexes built %s: %.2f s; load + build %9.0f rows/s", layout == APPEND ? "after" : "per day",
                indexing, rows / (loading + indexing));
        printf("  %.2fx indexed\n", indexed / (loading + indexing));
    }
    unlink(path);
    return 0;
}
