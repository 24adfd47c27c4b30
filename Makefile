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
# The release's version (as `listwash --version` prints it) and the commit it is built from.
VERSION := $(shell sed -n 's/.*static let current = "\(.*\)"/\1/p' Sources/ListWash/Pipeline/ListWashVersion.swift)
COMMIT := $(shell git describe --always --dirty --abbrev=12 2>/dev/null || echo unknown)
DIST = listwash-$(VERSION)-linux-x86_64
PREFIX ?= /usr/local

.PHONY: all build release run test deps build-info conformance bench bench-scaling bench-pg-client clean-out dist dist-check install fuzz sanitize

all: build

# The commit for `--version`, in a header only Sources/CBuildInfo/build_info.c includes;
# rewritten only when the commit changes, so an unchanged commit rebuilds nothing.
build-info:
	@printf '#define LISTWASH_COMMIT "%s"\n' '$(COMMIT)' > Sources/CBuildInfo/commit.h.new
	@cmp -s Sources/CBuildInfo/commit.h.new Sources/CBuildInfo/commit.h 2>/dev/null \
	  && rm -f Sources/CBuildInfo/commit.h.new || mv Sources/CBuildInfo/commit.h.new Sources/CBuildInfo/commit.h

# The system libraries listwash links (SQLite, libcrypto, libxml2, libidn2); installed when missing and root.
deps:
	@missing=""; for p in libsqlite3-dev libssl-dev libxml2-dev libidn2-dev zlib1g-dev libzstd-dev; do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $$missing; \
	  else echo "missing system packages:$$missing (apt-get install them)"; exit 1; fi; fi

build: deps build-info
	$(SWIFT) build

release: deps build-info
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

# The unit and end-to-end tests, and first the release check (dist-check: the packed
# binary cleans Samples/ with the Swift toolchain hidden).
test: deps build-info dist-check
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
# STORE=postgres runs Benchmarks/bench-postgres.sh instead: the PostgreSQL history beside
# the SQLite one and DuckDB (needs the data of a `make bench SIZE=...` run).
SIZE ?= S
RUNS ?=
bench: deps
ifeq ($(STORE),postgres)
	@SIZE=$(SIZE) RUNS=$(RUNS) SHARED=$(SHARED) bash Benchmarks/bench-postgres.sh
else
	@SIZE=$(SIZE) RUNS=$(RUNS) SHARED=$(SHARED) bash Benchmarks/bench.sh
	@python3 Benchmarks/scaling.py --binary .build/release/listwash --work bench-data/scaling
endif

# Scaling check: every reader must run in time linear in its input. Release build, then the
# worst input known for each reader (long lines and fields, patterns repeated along a header
# or diagnostic, many short lines) at 1, 4 and 16 MB, generated once into bench-data/scaling/;
# prints the median seconds per MB of 3 runs at each size and the 16 MB / 1 MB ratio, and
# fails when a ratio is above 2 (`make bench-scaling ONLY=xml` runs the matching cases).
ONLY ?=
bench-scaling: deps
	$(SWIFT) build -c release
	@python3 Benchmarks/scaling.py --binary .build/release/listwash --work bench-data/scaling $(if $(ONLY),--only "$(ONLY)")

# The PostgreSQL client library, measured (docs/history-postgres.md, "Client library"): a release
# build of Benchmarks/postgres-client (a package of its own: the main build never fetches
# postgres-nio, which this one does, with SwiftNIO and two BoringSSL copies), then against a
# throwaway server PG_ROWS event rows (default 1,000,000) loaded with COPY and read back in key
# order by libpq and by postgres-nio, alternated over PG_ROUNDS rounds (default 3). Prints
# each sample, the medians (wall, client CPU, server CPU, rows/s) and postgres-nio ÷ libpq.
# The first build compiles postgres-nio's dependencies (26 min on a busy 2-core machine).
PG_ROWS ?= 1000000
PG_ROUNDS ?= 3
bench-pg-client:
	$(SWIFT) build -c release --package-path Benchmarks/postgres-client --product pg-client-bench
	@dir=$$(mktemp -d /tmp/listwash-pg-client.XXXXXX); \
	url=$$(sh Scripts/pg-test-server.sh start "$$dir") || { rc=$$?; rm -rf "$$dir"; \
	  [ $$rc -eq 3 ] && echo "no PostgreSQL server: bench-pg-client skipped"; exit $$rc; }; \
	Benchmarks/postgres-client/.build/release/pg-client-bench "$$url" --rows $(PG_ROWS) --rounds $(PG_ROUNDS); rc=$$?; \
	sh Scripts/pg-test-server.sh stop "$$dir"; exit $$rc

# A release for machines without Swift: the binary with the Swift runtime linked in
# (--static-swift-stdlib; it needs only the C libraries of Debian's libsqlite3-0, libxml2,
# libssl3, libidn2-0, zlib1g, libzstd1 and libstdc++6), a man page per subcommand generated from its help by the
# argument parser's generate-manual tool, bash/zsh/fish completions, README, LICENSE and
# CHANGELOG, packed as dist/$(DIST).tar.gz. Built in .build-dist, apart from the debug build.
dist: deps build-info
	$(SWIFT) build -c release --static-swift-stdlib --product listwash --scratch-path .build-dist
	$(SWIFT) build --product generate-manual --scratch-path .build-dist
	@rm -rf dist/$(DIST) && mkdir -p dist/$(DIST)/bin dist/$(DIST)/share/man/man1 dist/$(DIST)/share/doc/listwash \
	  dist/$(DIST)/share/bash-completion/completions dist/$(DIST)/share/zsh/site-functions dist/$(DIST)/share/fish/vendor_completions.d
	cp .build-dist/release/listwash dist/$(DIST)/bin/listwash
	strip dist/$(DIST)/bin/listwash
	.build-dist/debug/generate-manual dist/$(DIST)/bin/listwash --multi-page --section 1 \
	  --date "$$(git log -1 --format=%cs 2>/dev/null || date +%F)" --output-directory dist/$(DIST)/share/man/man1
	dist/$(DIST)/bin/listwash --generate-completion-script bash > dist/$(DIST)/share/bash-completion/completions/listwash
	dist/$(DIST)/bin/listwash --generate-completion-script zsh > dist/$(DIST)/share/zsh/site-functions/_listwash
	dist/$(DIST)/bin/listwash --generate-completion-script fish > dist/$(DIST)/share/fish/vendor_completions.d/listwash.fish
	cp README.md LICENSE CHANGELOG.md dist/$(DIST)/share/doc/listwash/
	tar -C dist -czf dist/$(DIST).tar.gz --owner=0 --group=0 --sort=name $(DIST)
	@echo "dist/$(DIST).tar.gz"

# Installs the files `make dist` packs under PREFIX (default /usr/local).
install: dist
	cd dist/$(DIST) && find . -type f | while read -r f; do \
	  install -D -m $$(case "$$f" in ./bin/*) echo 755;; *) echo 644;; esac) "$$f" "$(DESTDIR)$(PREFIX)/$${f#./}"; done
	@echo "installed into $(DESTDIR)$(PREFIX)"

# Unpacks the release and cleans Samples/ with it while the Swift toolchain is hidden (a
# private mount namespace with an empty /opt/swift and no libswift* anywhere on the library
# path), then checks the binary needs no library outside the list above. As root it uses a
# mount namespace; otherwise a user namespace mapped to root (unshare -r).
dist-check: dist
	@bash Scripts/dist_check.sh dist/$(DIST).tar.gz

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
