#include <zlib.h>

/// inflateInit2 is a macro; this starts a stream that reads gzip or zlib data (window bits
/// 15 + 32: the header decides).
static inline int listwash_inflate_init(z_stream *stream) {
    return inflateInit2(stream, 15 + 32);
}
