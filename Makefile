# listwash — the two set-up commands are `make run` and `make test`.
SWIFT ?= swift
SHARED ?= ../shared
AS_OF ?= 2026-11-01T00:00:00Z
BIN = .build/debug/listwash

.PHONY: all build release run test deps conformance bench bench-scaling clean-out

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
	@python3 Benchmarks/scaling.py --binary .build/release/listwash --work bench-data/scaling

# Scaling check: every reader must run in time linear in its input. Release build, then the
# worst input known for each reader (long lines and fields, patterns repeated along a header
# or diagnostic, many short lines) at 1, 4 and 16 MB, generated once into bench-data/scaling/;
# prints the median seconds per MB of 3 runs at each size and the 16 MB / 1 MB ratio, and
# fails when a ratio is above 2 (`make bench-scaling ONLY=xml` runs the matching cases).
ONLY ?=
bench-scaling: deps
	$(SWIFT) build -c release
	@python3 Benchmarks/scaling.py --binary .build/release/listwash --work bench-data/scaling $(if $(ONLY),--only "$(ONLY)")
