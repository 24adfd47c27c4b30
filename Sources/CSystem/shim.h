#ifndef LISTWASH_CSYSTEM_SHIM_H
#define LISTWASH_CSYSTEM_SHIM_H

#include <stdint.h>

#if defined(__linux__)
/* sync_file_range(2): a Linux call that glibc declares only under _GNU_SOURCE, which the
   Glibc module is built without. */
int sync_file_range(int fd, int64_t offset, int64_t nbytes, unsigned int flags);

/* Starts writing back a file's range without waiting for it (SYNC_FILE_RANGE_WRITE), so a
   later fsync has little left to wait for. */
static inline int listwash_start_writeback(int fd, int64_t offset, int64_t count) {
    return sync_file_range(fd, offset, count, 2u /* SYNC_FILE_RANGE_WRITE */);
}
#else
static inline int listwash_start_writeback(int fd, int64_t offset, int64_t count) {
    (void)fd; (void)offset; (void)count;
    return 0;
}
#endif

#endif
