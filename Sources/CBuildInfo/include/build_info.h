#ifndef LISTWASH_BUILD_INFO_H
#define LISTWASH_BUILD_INFO_H

/// The commit the binary was built from (`git describe --always --dirty`), or "unknown" when it
/// was built outside a git checkout or without the Makefile.
const char *listwash_build_commit(void);

#endif
