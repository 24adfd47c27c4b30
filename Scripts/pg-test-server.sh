#!/bin/sh
# A throwaway PostgreSQL server for the tests: `pg-test-server.sh start DIR` creates a
# cluster in DIR (initdb), starts it listening on a Unix socket in DIR only (no TCP port, so
# parallel runs never collide), creates the database `listwash` and prints its URL;
# `pg-test-server.sh stop DIR` stops it and removes DIR.
#
# PostgreSQL refuses to run as root: as root the cluster belongs to the `postgres` user
# (Debian's package creates it) or, failing that, `nobody`. Without the server binaries,
# `start` installs Debian's `postgresql` package when root; otherwise it prints why and
# exits 3, which the Makefile reports as "PostgreSQL tests skipped".
set -eu

cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }

bindir() {
    for d in /usr/lib/postgresql/*/bin; do
        [ -x "$d/initdb" ] && { echo "$d"; return 0; }
    done
    command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
    return 1
}

as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u "$owner" -- "$@"
    else
        "$@"
    fi
}

case "$cmd" in
start)
    if ! bin=$(bindir); then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
            echo "installing postgresql (Debian) for the PostgreSQL tests" >&2
            (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >&2
            bin=$(bindir) || { echo "postgresql was installed but initdb is not found" >&2; exit 3; }
        else
            echo "PostgreSQL is not installed and this is not root: apt-get install postgresql to run the PostgreSQL tests" >&2
            exit 3
        fi
    fi
    owner=$(id -un)
    if [ "$(id -u)" = 0 ]; then
        if id postgres >/dev/null 2>&1; then owner=postgres; else owner=nobody; fi
    fi
    mkdir -p "$dir"
    chmod 700 "$dir"
    [ "$(id -u)" = 0 ] && chown "$owner" "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -U listwash -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 \
        || { echo "initdb failed, see $dir/initdb.log" >&2; exit 1; }
    # A socket in DIR, no TCP listener; fsync off (a test server's data never needs to
    # survive a crash of the machine).
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses='' -c unix_socket_directories='$dir' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=40" \
        start >/dev/null || { echo "the server did not start, see $dir/server.log" >&2; exit 1; }
    # The socket's folder must be reachable by the user who runs the tests.
    chmod 755 "$dir"
    "$bin/createdb" -h "$dir" -U listwash listwash
    printf 'postgres://listwash@%s/listwash\n' "$(printf '%s' "$dir" | sed 's,/,%2F,g')"
    ;;
stop)
    [ -d "$dir/data" ] || exit 0
    bin=$(bindir) || exit 0
    owner=$(stat -c %U "$dir/data")
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
*)
    echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
