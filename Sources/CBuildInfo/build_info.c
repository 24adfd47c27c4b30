// The commit comes from commit.h, which the Makefile writes before every build (rewriting it
// only when the commit changes, so an unchanged commit rebuilds nothing). A plain
// `swift build` without it says "unknown". This file is the only one that includes it, so a
// new commit recompiles one C file and relinks, nothing more.
#include "build_info.h"

#if __has_include("commit.h")
#include "commit.h"
#endif

#ifndef LISTWASH_COMMIT
#define LISTWASH_COMMIT "unknown"
#endif

const char *listwash_build_commit(void) { return LISTWASH_COMMIT; }
