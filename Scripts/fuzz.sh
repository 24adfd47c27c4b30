#!/usr/bin/env bash
# Runs the libFuzzer build of each reader (Fuzz/, built by `make fuzz`) for FUZZ_SECONDS, one
# reader after the other, and prints inputs tried, crashes and slow inputs per reader.
#
# Per reader, everything goes under fuzz-out/<reader>/:
#   corpus/   the inputs libFuzzer kept (grows from run to run; seeded from Fuzz/Seeds/<reader>,
#             Samples/ and, when present, $SHARED/corpus)
#   crash-*   inputs that trapped or broke an invariant (FuzzOutcome.violations), and ASan reports' inputs
#   timeout-* inputs that took longer than FUZZ_TIMEOUT seconds (libFuzzer stops the reader there)
#   slow-unit-* inputs slower than FUZZ_SLOW seconds
#   fuzz.log  libFuzzer's output
# Reproduce one: LISTWASH_FUZZ_TARGET=<reader> $BIN fuzz-out/<reader>/crash-…
set -uo pipefail
BIN=${BIN:-.build-fuzz/release/listwash-fuzz}
SHARED=${SHARED:-../shared}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
FUZZ_TIMEOUT=${FUZZ_TIMEOUT:-10}
FUZZ_SLOW=${FUZZ_SLOW:-2}
FUZZ_MAX_LEN=${FUZZ_MAX_LEN:-8192}
ALL="csv-list xml-list events-csv events-jsonl ses sendgrid mailgun postmark postfix powermta eml mbox classify"
FUZZ_TARGETS=${FUZZ_TARGETS:-$ALL}
OUT=fuzz-out

[ -x "$BIN" ] || { echo "$BIN not built (run make fuzz)"; exit 1; }

# Seeds for one reader into its corpus folder (files already there are kept).
seed() {
    local target=$1 corpus=$2
    cp Fuzz/Seeds/"$target"/* "$corpus"/ 2>/dev/null
    case $target in
        csv-list) cp Samples/subscribers.csv "$corpus"/sample-subscribers.csv
                  for f in "$SHARED"/corpus/csv-spectrum/csvs/*.csv "$SHARED"/corpus/commons-csv-fileparser/input/*; do
                      [ -f "$f" ] && cp "$f" "$corpus/shared-$(basename "$f")"; done ;;
        xml-list) cp Samples/subscribers.xml "$corpus"/sample-subscribers.xml ;;
        events-csv) cp Samples/events.csv "$corpus"/sample-events.csv ;;
        events-jsonl) cp Samples/events.jsonl "$corpus"/sample-events.jsonl ;;
        eml) for f in "$SHARED"/corpus/sisimai/eml/*.eml; do [ -f "$f" ] && cp "$f" "$corpus/shared-$(basename "$f")"; done ;;
        mbox) # each shared message as a one-message mbox, and the messages of each family together
              for f in "$SHARED"/corpus/sisimai/eml/*-01.eml; do
                  [ -f "$f" ] || continue
                  { echo "From MAILER-DAEMON Mon Jun  1 10:00:05 2024"; sed 's/^From />From /' "$f"; echo; } > "$corpus/shared-$(basename "$f" .eml).mbox"
              done ;;
        classify) # the diagnostic lines of the shared bounce messages, one per seed
              n=0
              for f in "$SHARED"/corpus/sisimai/eml/*.eml; do
                  [ -f "$f" ] || continue
                  line=$(grep -i -m1 '^Diagnostic-Code:' "$f" | sed 's/^[^:]*:[^;]*; *//' | tr -d '\r')
                  [ -n "$line" ] || continue
                  n=$((n + 1)); printf '\n\n\n%s' "$line" > "$corpus/shared-$n"
              done ;;
    esac
}

summary=()
for target in $FUZZ_TARGETS; do
    dir=$OUT/$target
    mkdir -p "$dir/corpus"
    seed "$target" "$dir/corpus"
    count() { ls "$dir" | grep -c -E "$1"; }
    before=("$(count '^(crash|oom|leak)-')" "$(count '^timeout-')" "$(count '^slow-unit-')")
    echo "fuzzing $target for ${FUZZ_SECONDS}s ($(ls "$dir/corpus" | wc -l) inputs in its corpus)"
    # Leak checks stay off: the Swift runtime's and libxml2's process-wide caches read as leaks.
    SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0:abort_on_error=0 LISTWASH_FUZZ_TARGET=$target \
        "$BIN" -max_total_time="$FUZZ_SECONDS" -timeout="$FUZZ_TIMEOUT" -report_slow_units="$FUZZ_SLOW" \
        -max_len="$FUZZ_MAX_LEN" -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix="$dir/" \
        "$dir/corpus" > "$dir/fuzz.log" 2>&1
    rc=$?
    runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$dir/fuzz.log" | tail -1 | grep -o '[0-9]*$')
    crashes=$(( $(count '^(crash|oom|leak)-') - before[0] ))
    timeouts=$(( $(count '^timeout-') - before[1] ))
    slow=$(( $(count '^slow-unit-') - before[2] ))
    summary+=("$(printf '%-13s %10s %8s %9s %6s %5s' "$target" "${runs:-?}" "$crashes" "$timeouts" "$slow" "$rc")")
done

echo
printf '%-13s %10s %8s %9s %6s %5s\n' reader inputs crashes timeouts slow exit
for line in "${summary[@]}"; do echo "$line"; done
echo "(inputs tried, and the new crash, timeout and slow-unit files under $OUT/<reader>/, in this run; exit 0 = ran its time out)"
