#include <sqlite3.h>

/// SQLITE_TRANSIENT does not import into Swift; this is the same destructor value.
static inline sqlite3_destructor_type cdr_sqlite_transient(void) { return SQLITE_TRANSIENT; }
static inline sqlite3_destructor_type cdr_sqlite_static(void) { return SQLITE_STATIC; }

/// Turns off SQLite's memory statistics (a global mutex on every allocation); call before first use.
static inline int cdr_sqlite_disable_memstatus(void) { return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }

#include <time.h>

/// Progress handler: interrupts the running statement once CLOCK_MONOTONIC passes the deadline (in
/// nanoseconds) that `context` points to; a deadline of 0 means none.
static int cdr_deadline_passed(void *context) {
    long long deadline = *(volatile long long *)context;
    if (deadline == 0) return 0;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * 1000000000LL + now.tv_nsec > deadline;
}

/// Checks the deadline at `deadline` every 1000 virtual-machine steps of every statement on `db`.
static inline void cdr_sqlite_install_deadline(sqlite3 *db, long long *deadline) {
    sqlite3_progress_handler(db, 1000, cdr_deadline_passed, deadline);
}
