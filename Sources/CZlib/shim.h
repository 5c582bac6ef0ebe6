#include <zlib.h>

/// inflateInit2 is a macro; Swift calls this wrapper instead.
static inline int cdr_inflateInit2(z_streamp strm, int windowBits) {
    return inflateInit2(strm, windowBits);
}
/// deflateInit2 is a macro; Swift calls this wrapper instead.
static inline int cdr_deflateInit2(z_streamp strm, int level) {
    return deflateInit2(strm, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}
