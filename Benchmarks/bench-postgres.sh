#!/usr/bin/env bash
# make bench STORE=postgres: the PostgreSQL history beside the SQLite one and the DuckDB peer,
# in the same run, on the benchmark's data (bench-data/SIZE, made by `make bench SIZE=...`).
#
# Per run: a fresh database on a throwaway server (Scripts/pg-test-server.sh: a Unix socket,
# fsync off, as for the tests); listwash ingest of bounces.csv into it, clean against it; the
# same into a fresh SQLite history; four ingest workers at once, each a quarter of bounces.csv,
# into one fresh database; the DuckDB peer. Medians of wall, listwash's CPU (the server's is
# not in it: it is another process, shown as the server's own CPU over the step) and peak RSS.
# Then the PostgreSQL clean's outputs are compared with the SQLite clean's (all but the
# manifest, which names the store).
#
# Environment: SIZE (S), RUNS (3), SHARED (../shared), PYTHON (python3), BUILD (1).
set -euo pipefail
SIZE=${SIZE:-S}
RUNS=${RUNS:-3}
PYTHON=${PYTHON:-python3}
BUILD=${BUILD:-1}
AS_OF=2026-11-01T00:00:00Z
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
SHARED=${SHARED:-../shared}
SHARED=$(cd "$SHARED" 2>/dev/null && pwd || echo "$SHARED")
PEERS="$SHARED/bench/peers"
DATA=${DATA:-"$ROOT/bench-data/$SIZE"}
RUN="$DATA/run-postgres"
BIN="$ROOT/.build/release/listwash"
die() { echo "bench-postgres: error: $*" >&2; exit 1; }

[ -s "$DATA/bounces.csv" ] && [ -s "$DATA/subscribers.csv" ] ||
  die "no benchmark data in $DATA: run 'make bench SIZE=$SIZE' once first (it generates it)"
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is needed: apt-get install time"
rm -rf "$RUN"; mkdir -p "$RUN/tmp"
export TMPDIR="$RUN/tmp"
if [ "$BUILD" = 1 ]; then
  echo "== swift build -c release"
  swift build -c release > "$RUN/build.log" 2>&1 || { tail -n 30 "$RUN/build.log" >&2; die "release build failed"; }
fi
[ -x "$BIN" ] || die "$BIN not found"
# The peers' job, as `make bench` runs it: the clean-v1 policy and suppressed.csv layout.
POLICY_ARGS=(--policy "$ROOT/Samples/clean-v1.policy.json")
FORMAT_ARGS=(--suppressed-format clean-v1)

SERVER="$RUN/server"
URL=$(sh "$ROOT/Scripts/pg-test-server.sh" start "$SERVER") || die "no PostgreSQL server (see above)"
trap 'sh "$ROOT/Scripts/pg-test-server.sh" stop "$SERVER" >/dev/null 2>&1 || true' EXIT
PSQL=$(ls /usr/lib/postgresql/*/bin/psql 2>/dev/null | head -1)
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u "$(stat -c %U "$SERVER/data")" -- "$@"; else "$@"; fi; }
fresh_db() {  # prints the URL of a new empty database
  local name="bench_$1"
  as_owner "$PSQL" "$URL" -q -c "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name" >/dev/null 2>&1
  echo "${URL%/*}/$name"
}
server_cpu() {  # CPU seconds of the server so far: the postmaster, the backends it reaped, the live ones
  local pm; pm=$(head -n 1 "$SERVER/data/postmaster.pid" 2>/dev/null) || { echo 0; return; }
  local tick; tick=$(getconf CLK_TCK)
  {
    awk '{print $14 + $15 + $16 + $17}' "/proc/$pm/stat"
    for c in $(pgrep -P "$pm" || true); do awk '{print $14 + $15}' "/proc/$c/stat" 2>/dev/null || true; done
  } | awk -v t="$tick" '{n += $1} END {printf "%.2f", n / t}' || echo 0
}

TIMES="$RUN/times.tsv"; : > "$TIMES"
# measure STEP RUN -- command...
measure() {
  local step=$1 run=$2; shift 3
  local before; before=$(server_cpu)
  /usr/bin/time -f '%e %U %S %M' -o "$RUN/time.out" "$@" > "$RUN/step.log" 2>&1 || {
    local rc=$?; [ $rc = 65 ] || { tail -n 20 "$RUN/step.log" >&2; die "$step failed ($rc)"; }; }
  sleep 1  # the step's backend has ended: let the postmaster reap it, so its CPU is counted
  local after; after=$(server_cpu)
  read -r w u s m < "$RUN/time.out"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$step" "$run" "$w" "$(awk -v u="$u" -v s="$s" 'BEGIN{printf "%.2f", u+s}')" "$m" \
    "$(awk -v a="$after" -v b="$before" 'BEGIN{printf "%.2f", a-b}')" >> "$TIMES"
  printf '   run %s  %-34s %8.2f s wall\n' "$run" "$step" "$w"
}

# Four quarters of the events, each with the header, for the parallel workers.
head -n 1 "$DATA/bounces.csv" > "$RUN/header"
tail -n +2 "$DATA/bounces.csv" > "$RUN/body"
split -n l/4 -d "$RUN/body" "$RUN/part"
rm "$RUN/body"
for p in "$RUN"/part0?; do cat "$RUN/header" "$p" > "$p.csv"; rm "$p"; done

for i in $(seq 1 "$RUNS"); do
  echo "== run $i of $RUNS"
  DB=$(fresh_db "r$i")
  measure "postgres ingest" "$i" -- "$BIN" ingest -q --history "$DB" "${POLICY_ARGS[@]}" "$DATA/bounces.csv"
  as_owner "$PSQL" "$DB" -At -c "SELECT pg_total_relation_size('events'), pg_relation_size('events'), count(*) FROM events" \
    | awk -F'|' '{printf "   events table: %.1f MB with its indexes (%.1f MB rows), %d events, %.0f bytes an event\n", $1 / 1e6, $2 / 1e6, $3, $1 / $3}'
  rm -rf "$RUN/pg-out"
  measure "postgres clean" "$i" -- "$BIN" clean -q --history "$DB" "${POLICY_ARGS[@]}" "${FORMAT_ARGS[@]}" --list "$DATA/subscribers.csv" \
    --out "$RUN/pg-out" --as-of "$AS_OF" --allow-mass-removal
  rm -f "$RUN/h.sqlite"; rm -rf "$RUN/sq-out"
  measure "sqlite ingest" "$i" -- "$BIN" ingest -q --history "$RUN/h.sqlite" "${POLICY_ARGS[@]}" "$DATA/bounces.csv"
  measure "sqlite clean" "$i" -- "$BIN" clean -q --history "$RUN/h.sqlite" "${POLICY_ARGS[@]}" "${FORMAT_ARGS[@]}" --list "$DATA/subscribers.csv" \
    --out "$RUN/sq-out" --as-of "$AS_OF" --allow-mass-removal
  DB4=$(fresh_db "p$i")
  "$BIN" ingest -q --history "$DB4" "$RUN/header" >/dev/null 2>&1 || true   # the tables, before the race
  measure "postgres 4 ingest workers" "$i" -- bash -c '
    for p in "$0"/part0?.csv; do "$1" ingest -q --history "$2" --policy "$3" "$p" & done; wait' "$RUN" "$BIN" "$DB4" "$ROOT/Samples/clean-v1.policy.json"
  if [ -f "$PEERS/clean_duckdb.py" ] && "$PYTHON" -c "import duckdb" 2>/dev/null; then
    rm -rf "$RUN/duckdb"
    (cd "$RUN/tmp" && measure "DuckDB clean-v1" "$i" -- "$PYTHON" "$PEERS/clean_duckdb.py" "$DATA/subscribers.csv" "$DATA/bounces.csv" "$RUN/duckdb")
  fi
done

echo
echo "== medians of $RUNS runs ($SIZE): wall, listwash CPU, peak RSS, the server's CPU during the step"
awk -F'\t' '
  { w[$1] = w[$1] " " $3; c[$1] = c[$1] " " $4; m[$1] = m[$1] " " $5; s[$1] = s[$1] " " $6; if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 } }
  function median(list,   a, k, i, j, t) { k = split(list, a, " "); for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2 }
  END {
    duck = ("DuckDB clean-v1" in seen) ? median(w["DuckDB clean-v1"]) : 0
    printf "%-34s %9s %9s %9s %10s %9s\n", "step", "wall s", "CPU s", "RSS MiB", "server s", "÷ DuckDB"
    for (i = 1; i <= n; i++) { k = order[i]; wm = median(w[k])
      printf "%-34s %9.2f %9.2f %9.1f %10.2f %9s\n", k, wm, median(c[k]), median(m[k]) / 1024, median(s[k]), duck ? sprintf("%.2f", wm / duck) : "-" }
  }' "$TIMES"
echo
same=1
for f in cleaned.csv suppressed.csv audit.jsonl rejects.csv report.json report.html; do
  cmp -s "$RUN/pg-out/$f" "$RUN/sq-out/$f" || { echo "outputs: $f differs between the stores"; same=0; }
done
[ "$same" = 1 ] && echo "outputs: the PostgreSQL clean's files are byte-identical to the SQLite clean's (manifest aside: it names the store)"
echo "raw measurements: $TIMES"
