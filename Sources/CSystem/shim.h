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

#if defined(__GLIBC__)
#include <malloc.h>
/* mallopt(3): a fixed M_MMAP_THRESHOLD. glibc raises the threshold each time an mmapped
   block is freed (up to 32 MiB on 64-bit), after which large buffers come from the threads'
   arenas, which keep freed memory instead of returning it; a fixed threshold serves every
   block of at least `bytes` by mmap and returns it to the system when freed. */
static inline int listwash_fix_mmap_threshold(int bytes) {
    return mallopt(M_MMAP_THRESHOLD, bytes);
}
#else
static inline int listwash_fix_mmap_threshold(int bytes) {
    (void)bytes;
    return 1;
}
#endif

#endif
