// The low-level SHA-256 functions are deprecated in OpenSSL 3 in favour of EVP, but they are
// the only one-shot path without a per-call algorithm fetch (OpenSSL 3's SHA256() goes through
// EVP_Q_digest and fetches "SHA256" by name every time), which dominates for short inputs.
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/hmac.h>

/// SHA-256 of `n` bytes at `data` into the 32 bytes at `digest`, with the context on the stack.
static inline void listwash_sha256(const void *data, size_t n, unsigned char *digest) {
    SHA256_CTX context;
    SHA256_Init(&context);
    SHA256_Update(&context, data, n);
    SHA256_Final(digest, &context);
}

/// SHA-256 of the `an` bytes at `a` followed by the `bn` bytes at `b` (as if they were one
/// buffer), with the context on the stack.
static inline void listwash_sha256_parts(const void *a, size_t an, const void *b, size_t bn, unsigned char *digest) {
    SHA256_CTX context;
    SHA256_Init(&context);
    SHA256_Update(&context, a, an);
    SHA256_Update(&context, b, bn);
    SHA256_Final(digest, &context);
}
