#!/usr/bin/env bash
# Checks a release tarball the way a user without Swift would meet it: unpacked in a fresh
# folder, run in a private mount namespace where /opt/swift (the toolchain and its runtime
# libraries) is an empty folder, it must ingest the bundled samples and clean
# Samples/subscribers.csv into the same outputs as the reviewed snapshots. It also checks
# that the binary asks the dynamic linker for no library beyond glibc, libstdc++/libgcc,
# SQLite, libxml2, libcrypto, libidn2, zlib and zstd. The mount namespace needs root, or a user namespace that
# maps this user to root (unshare -r), which unprivileged users have on most systems.
set -euo pipefail
tarball=$(realpath "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar -C "$work" -xzf "$tarball"
dir=$(find "$work" -mindepth 1 -maxdepth 1 -type d)
bin="$dir/bin/listwash"

needed=$(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort)
allowed='^(libc\.so\.6|libm\.so\.6|libdl\.so\.2|libpthread\.so\.0|librt\.so\.1|libutil\.so\.1|ld-linux-x86-64\.so\.2|libstdc\+\+\.so\.6|libgcc_s\.so\.1|libsqlite3\.so\.0|libxml2\.so\.2|libcrypto\.so\.3|libidn2\.so\.0|libz\.so\.1|libzstd\.so\.1)$'
echo "libraries the binary needs: $(echo $needed | tr '\n' ' ')"
if echo "$needed" | grep -Ev "$allowed" ; then
  echo "dist-check: FAILED: the binary needs a library outside the runtime packages" >&2
  exit 1
fi
for f in share/man/man1/listwash.1 share/man/man1/listwash.clean.1 share/man/man1/listwash.ingest.1 \
         share/bash-completion/completions/listwash share/zsh/site-functions/_listwash \
         share/fish/vendor_completions.d/listwash.fish share/doc/listwash/README.md \
         share/doc/listwash/LICENSE share/doc/listwash/CHANGELOG.md; do
  [ -s "$dir/$f" ] || { echo "dist-check: FAILED: $f missing from the release" >&2; exit 1; }
done

cp -r "$root/Samples" "$work/Samples"
snapshots="$root/Tests/listwashCLITests/Snapshots/samples"
namespace=(unshare --mount --propagation private)
[ "$(id -u)" = 0 ] || namespace=(unshare --map-root-user --mount --propagation private)
"${namespace[@]}" bash -euo pipefail -c '
  mount -t tmpfs tmpfs /opt/swift
  if command -v swift >/dev/null || ldconfig -p | grep -q libswiftCore; then
    echo "dist-check: FAILED: the Swift toolchain is still visible" >&2; exit 1
  fi
  cd "$1"
  "$2" --version
  rc=0; "$2" ingest --history h.sqlite --policy Samples/policy.json Samples/events.csv Samples/events.jsonl > /dev/null 2>&1 || rc=$?
  [ "$rc" = 65 ] || { echo "dist-check: FAILED: ingest exited $rc" >&2; exit 1; }
  rc=0; "$2" clean --history h.sqlite --policy Samples/policy.json --list Samples/subscribers.csv --out out \
    --as-of 2026-11-01T00:00:00Z > /dev/null 2>&1 || rc=$?
  [ "$rc" = 65 ] || { echo "dist-check: FAILED: clean exited $rc" >&2; exit 1; }
  for name in cleaned.csv suppressed.csv audit.jsonl rejects.csv; do
    cmp -s "out/$name" "$3/$name" || { echo "dist-check: FAILED: out/$name differs from its snapshot" >&2; exit 1; }
  done
' dist-check "$work" "$bin" "$snapshots"
echo "dist-check: the release cleans Samples/ without the Swift toolchain, outputs as the snapshots"
