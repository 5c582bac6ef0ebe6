#include <sqlite3.h>

/// SQLITE_TRANSIENT does not import into Swift; this is the same destructor value.
static inline sqlite3_destructor_type cdr_sqlite_transient(void) { return SQLITE_TRANSIENT; }
static inline sqlite3_destructor_type cdr_sqlite_static(void) { return SQLITE_STATIC; }

/// Turns off SQLite's memory statistics (a global mutex on every allocation); call before first use.
static inline int cdr_sqlite_disable_memstatus(void) { return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }
