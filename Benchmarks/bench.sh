#!/usr/bin/env bash
# make bench [SIZE=100k|S|L] [RUNS=3, 1 at L]: time listwash against the clean-v1 peers in one run.
#
# Builds the release binary, generates bench-data/SIZE/ once with Benchmarks/gen_data.py
# (reused while its manifest matches; a missing or stale day.csv alone is generated on its
# own with --day-only), then RUNS times, interleaved so that machine noise hits every tool
# alike:
#   listwash ingest of bounces.csv into a fresh history, listwash clean against it,
#   listwash ingest of day.csv (a day's new events, 1% of the log) into that history, the
#   same day.csv again (must add 0 events, else the bench fails), the one-off clean
#   (clean --events bounces.csv, no history), the DuckDB peer (and polars when installed) on
#   subscribers.csv and bounces.csv, cat of both files; after each of ingest, clean, the
#   one-off clean and the peers, its floor: cat of its inputs, then as many bytes as it wrote
#   copied into one file with cat and synced (the least any program reading those inputs and
#   writing outputs of that size spends).
# Each step runs under /usr/bin/time (wall, user+sys CPU, max RSS); the table shows medians,
# each command beside its floor, then the targets with measured values. Then it checks that
# the one-off clean's outputs are those of ingest + clean (cmp), compares listwash's
# suppressed set with the peer's (counts per rule) and runs compare_outputs.py.
#
# Environment: SIZE (S), RUNS (3; 1 for L), SEED (7), SHARED (../shared), PYTHON (python3),
# BUILD (1; 0 = use the existing .build/release/listwash), KEEP_HISTORY (0; 1 keeps the
# last history in bench-data/SIZE/run/).
set -euo pipefail

SIZE=${SIZE:-${1:-S}}
RUNS=${RUNS:-}
if [ -z "$RUNS" ]; then
  if [ "$SIZE" = L ]; then RUNS=1; else RUNS=3; fi    # L takes long: one run unless asked
fi
SEED=${SEED:-7}
PYTHON=${PYTHON:-python3}
BUILD=${BUILD:-1}
KEEP_HISTORY=${KEEP_HISTORY:-0}
AS_OF=2026-11-01T00:00:00Z

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
SHARED=${SHARED:-../shared}
SHARED=$(cd "$SHARED" 2>/dev/null && pwd || echo "$SHARED")
PEERS="$SHARED/bench/peers"

die() { echo "bench: error: $*" >&2; exit 1; }

case "$SIZE" in 100k|S|L) ;; *) die "SIZE must be 100k, S or L (got '$SIZE')";; esac
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer (got '$RUNS')"
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is needed: apt-get install time"
command -v "$PYTHON" >/dev/null || die "$PYTHON not found"

DATA="$ROOT/bench-data/$SIZE"
RUN="$DATA/run"
SUBS="$DATA/subscribers.csv"
BOUNCES="$DATA/bounces.csv"
DAY="$DATA/day.csv"
BIN="$ROOT/.build/release/listwash"
REPORT="$ROOT/Benchmarks/bench_report.py"

# Temporary files of every child (SQLite, DuckDB spill, Python) stay inside bench-data/.
mkdir -p "$RUN/tmp"
export TMPDIR="$RUN/tmp"

# ---- 1. release build ------------------------------------------------------------------
if [ "$BUILD" = 1 ]; then
  echo "== swift build -c release"
  if ! swift build -c release > "$RUN/build.log" 2>&1; then
    tail -n 30 "$RUN/build.log" >&2
    die "release build failed (log: $RUN/build.log)"
  fi
  tail -n 1 "$RUN/build.log"
fi
[ -x "$BIN" ] || die "$BIN not found: build it with swift build -c release"

# ---- 2. data, generated once -----------------------------------------------------------
data_ok() {
  [ -f "$DATA/manifest.json" ] && [ -f "$SUBS" ] && [ -f "$BOUNCES" ] &&
    "$PYTHON" "$REPORT" data-ok "$DATA" "$SIZE" "$SEED"
}
if data_ok; then
  echo "== data: reusing $DATA"
else
  echo "== data: generating $SIZE (seed $SEED) into $DATA"
  rm -f "$SUBS" "$BOUNCES" "$DATA/manifest.json" "$DAY" "$DATA/day.json"
  "$PYTHON" Benchmarks/gen_data.py --size "$SIZE" --seed "$SEED" --out "$DATA" ||
    die "data generation failed"
  data_ok || die "generated data in $DATA does not match its manifest"
fi
# the day file: data generated before it existed (or with another day version) keeps its
# subscribers.csv and bounces.csv; only day.csv is drawn, from the list read back from disk
day_ok() {
  [ -f "$DATA/day.json" ] && [ -f "$DAY" ] && "$PYTHON" "$REPORT" day-ok "$DATA" "$SIZE" "$SEED"
}
if ! day_ok; then
  echo "== data: generating day.csv (1% of the log) into $DATA"
  rm -f "$DAY" "$DATA/day.json"
  "$PYTHON" Benchmarks/gen_data.py --day-only --out "$DATA" || die "day.csv generation failed"
  day_ok || die "generated day.csv in $DATA does not match day.json"
fi
SUBS_BYTES=$(stat -c %s "$SUBS")
BOUNCES_BYTES=$(stat -c %s "$BOUNCES")
DAY_BYTES=$(stat -c %s "$DAY")
DAY_EVENTS=$("$PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1]))["events"])' "$DATA/day.json")
# Rows of day.csv that repeat one of its own events: the day's ingest counts them as duplicates.
DAY_REPEATS=$("$PYTHON" "$REPORT" repeats "$DAY") || die "could not count the repeated rows of $DAY"
echo "   subscribers.csv $SUBS_BYTES bytes, bounces.csv $BOUNCES_BYTES bytes, day.csv $DAY_BYTES bytes ($DAY_EVENTS events, $DAY_REPEATS repeating one before)"

# ---- 3. peers available? ---------------------------------------------------------------
HAVE_DUCKDB=0; HAVE_POLARS=0
if [ -f "$PEERS/clean_duckdb.py" ]; then
  if "$PYTHON" -c "import duckdb" 2>/dev/null; then HAVE_DUCKDB=1
  else echo "== DuckDB peer skipped: the duckdb module is not installed for $PYTHON (install: pip install duckdb)"; fi
  if [ -f "$PEERS/clean_polars.py" ]; then
    if "$PYTHON" -c "import polars" 2>/dev/null; then HAVE_POLARS=1
    else echo "== polars peer skipped: the polars module is not installed for $PYTHON (install: pip install polars)"; fi
  fi
else
  echo "== peers skipped: $PEERS/clean_duckdb.py not found (set SHARED=path/to/shared)"
fi

# ---- 4. timed runs ---------------------------------------------------------------------
TIMES="$RUN/times.tsv"
: > "$TIMES"

# measure STEP RUN_NO INPUT_BYTES LOG ACCEPT_65 -- command...
measure() {
  local step=$1 run=$2 bytes=$3 log=$4 accept65=$5; shift 6
  local tf="$RUN/time.$$"
  local rc=0
  /usr/bin/time -f "%e %U %S %M" -o "$tf" "$@" >"$log" 2>&1 || rc=$?
  if [ "$rc" != 0 ] && ! { [ "$rc" = 65 ] && [ "$accept65" = 1 ]; }; then
    echo "bench: error: step '$step' (run $run) failed with exit status $rc: $*" >&2
    tail -n 20 "$log" >&2
    exit 1
  fi
  [ "$rc" = 65 ] && echo "   note: $step exited 65 (some rows rejected; outputs complete), see $log"
  # GNU time may prefix "Command exited with non-zero status N": keep the last line
  local w u s m
  read -r w u s m < <(tail -n 1 "$tf")
  rm -f "$tf"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$step" "$run" "$w" "$(awk -v u="$u" -v s="$s" 'BEGIN{printf "%.2f", u+s}')" "$m" "$bytes" >> "$TIMES"
  printf '   run %s  %-26s %8.2f s wall  %6.1f MiB\n' "$run" "$step" "$w" "$(awk -v m="$m" 'BEGIN{print m/1024}')"
}

# listwash runs the peers' job: the clean-v1 policy and suppressed.csv layout (POLICY=default
# times listwash's own policy instead; its outputs then differ from the peers' by design).
POLICY=${POLICY:-clean-v1}
if [ "$POLICY" = clean-v1 ]; then
  POLICY_ARGS=(--policy "$ROOT/Samples/clean-v1.policy.json")
  FORMAT_ARGS=(--suppressed-format clean-v1)
else
  POLICY_ARGS=()
  FORMAT_ARGS=()
fi
# bytes_of PATH...: the bytes of the files under the paths (symbolic links followed, so an
# output folder counts its current set once).
bytes_of() { find -L "$@" -type f -printf '%s\n' | awk '{n += $1} END {printf "%.0f\n", n}'; }
# out_bytes DIR: the bytes of an output folder: listwash's current set, or the whole folder.
out_bytes() { if [ -e "$1/.listwash-current" ]; then bytes_of "$1/.listwash-current/"; else bytes_of "$1"; fi; }

# floor STEP RUN OUT_BYTES INPUT...: the floor of STEP, what the plain tools spend on the same
# bytes: cat of the inputs, then OUT_BYTES of them (repeated as needed) copied by cat into one
# file and synced, as listwash syncs what it writes.
floor() {
  local step=$1 run=$2 out=$3; shift 3
  local in_bytes
  in_bytes=$(bytes_of "$@")
  measure "floor: $step" "$run" "$in_bytes" "$RUN/floor.log" 0 -- \
    sh -c 'n=$1; f=$2; shift 2; cat "$@" > /dev/null && { while cat "$@"; do :; done | head -c "$n" > "$f"; } && sync "$f" && rm -f "$f"' \
      floor "$out" "$RUN/floor.out" "$@"
}

echo "== $RUNS runs (listwash and peers interleaved; listwash policy: $POLICY)"
for ((i = 1; i <= RUNS; i++)); do
  rm -f "$RUN"/history.sqlite "$RUN"/history.sqlite-wal "$RUN"/history.sqlite-shm
  rm -rf "$RUN/listwash" "$RUN/oneoff" "$RUN/duckdb" "$RUN/polars"
  measure "listwash ingest" "$i" "$BOUNCES_BYTES" "$RUN/ingest.log" 1 -- \
    "$BIN" ingest --history "$RUN/history.sqlite" "${POLICY_ARGS[@]}" "$BOUNCES"
  floor "listwash ingest" "$i" "$(bytes_of "$RUN/history.sqlite")" "$BOUNCES"
  HISTORY_BYTES=$(stat -c %s "$RUN/history.sqlite")
  read -r HISTORY_EVENTS _ _ < <("$PYTHON" "$REPORT" ingest-counts "$RUN/ingest.log") || HISTORY_EVENTS=0
  measure "listwash clean" "$i" "$SUBS_BYTES" "$RUN/clean.log" 1 -- \
    "$BIN" clean --history "$RUN/history.sqlite" "${POLICY_ARGS[@]}" "${FORMAT_ARGS[@]}" --list "$SUBS" --out "$RUN/listwash" --as-of "$AS_OF" \
      --allow-mass-removal   # the generated data removes about 20% on purpose: past the blast-radius guard
  floor "listwash clean" "$i" "$(out_bytes "$RUN/listwash")" "$SUBS" "$RUN/history.sqlite"
  # the one-off clean: the same job from the export and the list alone, no history
  measure "listwash one-off clean" "$i" "$((SUBS_BYTES + BOUNCES_BYTES))" "$RUN/oneoff.log" 1 -- \
    "$BIN" clean --events "$BOUNCES" "${POLICY_ARGS[@]}" "${FORMAT_ARGS[@]}" --list "$SUBS" --out "$RUN/oneoff" --as-of "$AS_OF" \
      --allow-mass-removal
  floor "listwash one-off clean" "$i" "$(out_bytes "$RUN/oneoff")" "$SUBS" "$BOUNCES"
  # incremental: the next day's events into the history just built, then the same file again
  measure "listwash ingest (1% day)" "$i" "$DAY_BYTES" "$RUN/day-ingest.log" 1 -- \
    "$BIN" ingest --history "$RUN/history.sqlite" "${POLICY_ARGS[@]}" "$DAY"
  read -r d_new d_dup d_rej < <("$PYTHON" "$REPORT" ingest-counts "$RUN/day-ingest.log") ||
    die "could not read the counts of the day's ingest from $RUN/day-ingest.log"
  echo "            day: $d_new new, $d_dup duplicate, $d_rej rejected of $DAY_EVENTS events"
  [ "$d_new" -gt 0 ] || die "the day's ingest added no events (see $RUN/day-ingest.log)"
  [ "$d_dup" = "$DAY_REPEATS" ] ||
    echo "   note: $d_dup of the day's events counted as duplicates; the file repeats $DAY_REPEATS of its own (expected equal)"
  measure "listwash re-ingest (day)" "$i" "$DAY_BYTES" "$RUN/day-reingest.log" 1 -- \
    "$BIN" ingest --history "$RUN/history.sqlite" "${POLICY_ARGS[@]}" "$DAY"
  read -r r_new r_dup r_rej < <("$PYTHON" "$REPORT" ingest-counts "$RUN/day-reingest.log") ||
    die "could not read the counts of the day's re-ingest from $RUN/day-reingest.log"
  echo "            again: $r_new new, $r_dup duplicate, $r_rej rejected"
  [ "$r_new" = 0 ] || die "ingesting day.csv a second time added $r_new events (must add 0; see $RUN/day-reingest.log)"
  if [ "$HAVE_DUCKDB" = 1 ]; then
    (cd "$RUN/tmp" && measure "DuckDB clean-v1" "$i" "$((SUBS_BYTES + BOUNCES_BYTES))" "$RUN/duckdb.log" 0 -- \
      "$PYTHON" "$PEERS/clean_duckdb.py" "$SUBS" "$BOUNCES" "$RUN/duckdb")
    floor "DuckDB clean-v1" "$i" "$(out_bytes "$RUN/duckdb")" "$SUBS" "$BOUNCES"
  fi
  if [ "$HAVE_POLARS" = 1 ]; then
    (cd "$RUN/tmp" && measure "polars clean-v1" "$i" "$((SUBS_BYTES + BOUNCES_BYTES))" "$RUN/polars.log" 0 -- \
      "$PYTHON" "$PEERS/clean_polars.py" "$SUBS" "$BOUNCES" "$RUN/polars")
    floor "polars clean-v1" "$i" "$(out_bytes "$RUN/polars")" "$SUBS" "$BOUNCES"
  fi
  measure "cat (floor)" "$i" "$((SUBS_BYTES + BOUNCES_BYTES))" "$RUN/cat.log" 0 -- \
    sh -c 'cat "$1" "$2" > /dev/null' cat "$SUBS" "$BOUNCES"
done
rm -rf "$RUN/tmp" && mkdir -p "$RUN/tmp"

# ---- 5. table and output check ---------------------------------------------------------
echo
"$PYTHON" "$REPORT" table "$TIMES" "$SIZE" "$RUNS" || die "could not build the table from $TIMES"
# The history's size after the ingest of bounces.csv (the last round's), per event stored.
awk -v h="$HISTORY_BYTES" -v e="$HISTORY_EVENTS" -v c="$BOUNCES_BYTES" 'BEGIN { if (e > 0)
  printf "history: %.0f bytes for %.0f events, %.1f bytes an event (bounces.csv: %.1f bytes an event, history %.2fx the CSV)\n", h, e, h / e, c / e, h / c }'
echo
# The one-off clean gives the outputs of ingest + clean (the manifest names its inputs otherwise).
for f in cleaned.csv suppressed.csv audit.jsonl rejects.csv report.json; do
  cmp -s "$RUN/listwash/$f" "$RUN/oneoff/$f" || die "the one-off clean's $f differs from that of ingest + clean ($RUN/oneoff, $RUN/listwash)"
done
echo "one-off clean: cleaned.csv, suppressed.csv, audit.jsonl, rejects.csv and report.json identical to ingest + clean's"
echo
if [ "$HAVE_DUCKDB" = 1 ]; then
  "$PYTHON" "$REPORT" check "$RUN/listwash" "$RUN/duckdb" || die "output check could not run"
  echo
  if [ ! -f "$SHARED/bench/compare_outputs.py" ]; then
    echo "compare_outputs.py: skipped ($SHARED/bench/compare_outputs.py not found)"
  elif [ "$(head -n 1 "$RUN/listwash/suppressed.csv" | tr -d '\r')" != "email,reason,bounce_count,first_seen,last_seen" ]; then
    echo "compare_outputs.py: skipped (listwash's suppressed.csv header is '$(head -n 1 "$RUN/listwash/suppressed.csv" | tr -d '\r')', not clean-v1's 'email,reason,bounce_count,first_seen,last_seen'; needs the clean-v1 policy mode)"
  else
    echo "== compare_outputs.py listwash vs DuckDB"
    if "$PYTHON" "$SHARED/bench/compare_outputs.py" "$RUN/duckdb" "$RUN/listwash"; then
      echo "compare_outputs.py: outputs agree"
    elif [ "$POLICY" = clean-v1 ]; then
      die "listwash's outputs differ from DuckDB's under the clean-v1 policy (reported above)"
    else
      echo "compare_outputs.py: outputs differ (reported above)"
    fi
  fi
else
  echo "output check: skipped (no DuckDB peer output to compare with)"
fi

if [ "$KEEP_HISTORY" != 1 ]; then
  rm -f "$RUN"/history.sqlite "$RUN"/history.sqlite-wal "$RUN"/history.sqlite-shm
fi
echo
echo "raw measurements: $TIMES; last outputs: $RUN/listwash $( [ "$HAVE_DUCKDB" = 1 ] && echo "$RUN/duckdb")"
