#include <sqlite3.h>

/* sqlite3_config is variadic, which Swift cannot call: one fixed-signature wrapper per option
   listwash sets. Both must run before SQLite initialises (before the first open). */

/* Turns SQLite's memory statistics off (SQLITE_CONFIG_MEMSTATUS): every allocation and free
   then skips the global allocator mutex and the sqlite3StatusUp/Down bookkeeping. */
static inline int listwash_sqlite3_config_memstatus(int on) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, on);
}
