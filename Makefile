# listwash — the two set-up commands are `make run` and `make test`.
#
# Hardening targets (not part of `make test`; each builds into its own folder):
#   make fuzz       libFuzzer, one reader after the other (FUZZ_SECONDS each, default 60; FUZZ_TARGETS
#                   to pick readers), seeded from Fuzz/Seeds, Samples/ and $(SHARED)/corpus; crashing,
#                   timed-out (FUZZ_TIMEOUT, 10 s) and slow inputs are saved under fuzz-out/<reader>/.
#                   Built from the Fuzz/ package with -sanitize=fuzzer,address into .build-fuzz.
#   make sanitize   the test suite under ThreadSanitizer (.build-tsan), then AddressSanitizer (.build-asan).
# `make test` runs a short deterministic fuzz pass of its own (Tests/ListWashTests/Fuzz).
SWIFT ?= swift
SHARED ?= ../shared
AS_OF ?= 2026-11-01T00:00:00Z
BIN = .build/debug/listwash

.PHONY: all build release run test deps conformance bench clean-out fuzz sanitize

all: build

# The system libraries listwash links (SQLite, libcrypto, libxml2); installed when missing and root.
deps:
	@missing=""; for p in libsqlite3-dev libssl-dev libxml2-dev; do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $$missing; \
	  else echo "missing system packages:$$missing (apt-get install them)"; exit 1; fi; fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# Clean Samples/ against the embedded SQLite history in ./out (exit 65 = the sample's
# deliberately malformed rows were rejected, which is expected here).
run: build
	@mkdir -p out
	@$(BIN) ingest --history out/history.sqlite Samples/events.csv Samples/events.jsonl --policy Samples/policy.json; \
	  rc=$$?; [ $$rc -eq 0 ] || [ $$rc -eq 65 ] || exit $$rc
	@echo
	@$(BIN) clean --history out/history.sqlite --list Samples/subscribers.csv --out out --as-of $(AS_OF) --policy Samples/policy.json; \
	  rc=$$?; [ $$rc -eq 0 ] || [ $$rc -eq 65 ] || exit $$rc
	@echo; echo "outputs in ./out:"; ls out

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

clean-out:
	rm -rf out

# Conformance against the public corpora in ../shared/corpus (not part of `make test`):
# prints recipients found, reason, status and "removes at once" agreement per family
# (`make conformance MISMATCHES=1` also lists each reason mismatch with the rule that
# decided), then the CSV suites (csv-spectrum, commons-csv) passed / failed / differing by
# design per case.
conformance: build
	@if [ -d "$(SHARED)/corpus/sisimai" ]; then \
	  python3 Scripts/conformance_sisimai.py $(if $(MISMATCHES),--mismatches) "$(SHARED)/corpus/sisimai" $(BIN); \
	else echo "$(SHARED)/corpus/sisimai not found: conformance skipped"; fi
	@python3 Scripts/conformance_csv.py "$(SHARED)/corpus" $(BIN)

# Benchmark: release build, data generated once into bench-data/$(SIZE)/ by
# Benchmarks/gen_data.py, then $(RUNS) interleaved runs of listwash ingest, listwash clean,
# listwash ingest of a day's new events (day.csv, 1% of the log) into that history and of
# the same day again (must add 0), the clean-v1 peers in $(SHARED)/bench/peers (DuckDB;
# polars when installed) and cat. Prints medians (wall, CPU, peak RSS, MB/s), the targets
# with measured values (met / missed) and an output check. RUNS defaults to 3, 1 at SIZE=L.
SIZE ?= S
RUNS ?=
bench: deps
	@SIZE=$(SIZE) RUNS=$(RUNS) SHARED=$(SHARED) bash Benchmarks/bench.sh

# libFuzzer over every reader (see the header). FUZZ_CONFIG=debug keeps the run-time exclusivity checks.
FUZZ_SECONDS ?= 60
FUZZ_CONFIG ?= release
fuzz: deps
	cd Fuzz && $(SWIFT) build -c $(FUZZ_CONFIG) --product listwash-fuzz -Xswiftc -sanitize=fuzzer,address --scratch-path ../.build-fuzz
	@BIN=.build-fuzz/$(FUZZ_CONFIG)/listwash-fuzz SHARED=$(SHARED) FUZZ_SECONDS=$(FUZZ_SECONDS) bash Scripts/fuzz.sh

# The whole test suite under each sanitizer; a race or a memory error fails the run.
sanitize: deps
	$(SWIFT) build --build-tests --sanitize=thread --scratch-path .build-tsan
	SWIFT_BACKTRACE=enable=no $(SWIFT) test --skip-build --sanitize=thread --scratch-path .build-tsan
	$(SWIFT) build --build-tests --sanitize=address --scratch-path .build-asan
	SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 $(SWIFT) test --skip-build --sanitize=address --scratch-path .build-asan
