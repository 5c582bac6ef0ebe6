/* Issue 22's first question, asked of SQLite alone: what a record costs at load time under three layouts,
 * for the same N synthetic records (cdrpipe's columns, 8 KiB pages, WAL, synchronous=NORMAL, 16 MiB cache,
 * a commit every 250,000 rows):
 *   indexed   today's layout: UNIQUE (day, calling, key) and (day, dialled), maintained on every insert;
 *   append    no index while loading, duplicates found by an in-memory set of 64-bit key prefixes; the two
 *             indexes built afterwards in one sorted pass each (what closing the day would cost);
 *   bare      no index and no duplicate check: the floor.
 * Prints rows/s for loading and, for append, the index build and the total, beside indexed (the baseline).
 * Build: cc -O2 layout_probe.c -lsqlite3   Run: ./a.out ROWS DIR */
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

static double load(const char *path, long rows, int layout, double *indexing) {
    sqlite3 *db;
    unlink(path);
    char wal[512];
    snprintf(wal, sizeof wal, "%s-wal", path);
    unlink(wal);
    sqlite3_open(path, &db);
    exec(db, "PRAGMA page_size=8192; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-16384;"
             "PRAGMA temp_store=FILE;");
    exec(db, "CREATE TABLE records(id INTEGER PRIMARY KEY, day INTEGER NOT NULL, key BLOB NOT NULL,"
             " calling TEXT NOT NULL, dialled TEXT NOT NULL, start_at INTEGER NOT NULL, answer_at INTEGER,"
             " end_at INTEGER NOT NULL, duration INTEGER NOT NULL, billsec INTEGER NOT NULL,"
             " disposition INTEGER NOT NULL, carrier TEXT NOT NULL, channel TEXT NOT NULL, account TEXT NOT NULL,"
             " source_id TEXT NOT NULL, file_id INTEGER NOT NULL, line INTEGER NOT NULL) STRICT;");
    const char *indexes = "CREATE UNIQUE INDEX records_by_calling ON records(day, calling, key);"
                          "CREATE INDEX records_by_dialled ON records(day, dialled);";
    if (layout == 0) exec(db, indexes);
    sqlite3_stmt *insert;
    sqlite3_prepare_v2(db,
        layout == 0 ? "INSERT INTO records VALUES (NULL,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
                      " ON CONFLICT (day, calling, key) DO NOTHING"
                    : "INSERT INTO records VALUES (NULL,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        -1, &insert, NULL);
    if (layout == 1) {
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
        if (layout == 1) {
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
        sqlite3_bind_int64(insert, 5, start);
        sqlite3_bind_int64(insert, 6, start + 5);
        sqlite3_bind_int64(insert, 7, start + 95);
        sqlite3_bind_int64(insert, 8, 95);
        sqlite3_bind_int64(insert, 9, 90);
        sqlite3_bind_int64(insert, 10, 0);
        sqlite3_bind_text(insert, 11, "SIP/carrier-a", -1, SQLITE_STATIC);
        sqlite3_bind_text(insert, 12, channel, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(insert, 13, "", -1, SQLITE_STATIC);
        sqlite3_bind_text(insert, 14, id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(insert, 15, 1);
        sqlite3_bind_int64(insert, 16, i + 1);
        if (sqlite3_step(insert) != SQLITE_DONE) {
            fprintf(stderr, "%s\n", sqlite3_errmsg(db));
            exit(1);
        }
        sqlite3_reset(insert);
        if (i % 250000 == 249999) exec(db, "COMMIT; BEGIN IMMEDIATE");
    }
    exec(db, "COMMIT");
    double loading = now() - started;
    *indexing = 0;
    if (layout == 1) {
        started = now();
        exec(db, indexes);
        *indexing = now() - started;
        free(slots);
    }
    sqlite3_finalize(insert);
    sqlite3_close(db);
    return loading;
}

int main(int argc, char **argv) {
    long rows = argc > 1 ? atol(argv[1]) : 1000000;
    const char *dir = argc > 2 ? argv[2] : ".";
    char path[512];
    snprintf(path, sizeof path, "%s/layout-probe.db", dir);
    const char *names[] = {"indexed", "append", "bare"};
    double indexed = 0;
    for (int layout = 0; layout < 3; layout++) {
        double indexing;
        double loading = load(path, rows, layout, &indexing);
        if (layout == 0) indexed = loading;
        printf("%-8s load %9.0f rows/s (%.2f s)", names[layout], rows / loading, loading);
        if (layout == 1)
            printf("; indexes built after: %.2f s; load + build %9.0f rows/s", indexing, rows / (loading + indexing));
        printf("  %.2fx indexed\n", indexed / (loading + indexing));
    }
    unlink(path);
    return 0;
}
