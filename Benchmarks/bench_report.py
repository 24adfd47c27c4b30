#!/usr/bin/env python3
"""Helpers of Benchmarks/bench.sh (standard library; DuckDB only to count rows when present).

    bench_report.py data-ok DATA_DIR SIZE SEED     exit 0 when DATA_DIR holds that data set
    bench_report.py table TIMES.tsv SIZE RUNS       the medians table and the ratios
    bench_report.py check LISTWASH_OUT PEER_OUT     suppressed set per rule, kept rows
"""
import csv
import json
import os
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# listwash rule -> clean-v1 reason
RULE_TO_REASON = {"invalid_address": "invalid", "hard_bounce": "hard",
                  "mailbox_full": "mailbox_full", "soft_bounce_escalation": "soft"}
REASONS = ["invalid", "hard", "mailbox_full", "soft"]
TARGETS = {"clean": 0.2, "ingest+clean": 1.0}   # the speed targets, as ratios to DuckDB


def data_ok(data, size, seed):
    sys.path.insert(0, HERE)
    import gen_data
    try:
        with open(os.path.join(data, "manifest.json"), encoding="utf-8") as f:
            m = json.load(f)
    except (OSError, ValueError):
        return 1
    if m.get("size") != size or m.get("seed") != int(seed) or m.get("version") != gen_data.GENERATOR_VERSION:
        return 1
    for name, n in m.get("files", {}).items():
        p = os.path.join(data, name)
        if not os.path.exists(p) or os.path.getsize(p) != n:
            return 1
    return 0


def sec(x):
    return f"{x:.2f}" if x >= 1 or x == 0 else f"{x:.3f}"


def table(path, size, runs):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            step, run, wall, cpu, rss, nbytes = line.rstrip("\n").split("\t")
            rows.append((step, int(run), float(wall), float(cpu), int(rss), int(nbytes)))
    if not rows:
        print("no measurements", file=sys.stderr)
        return 1
    steps = []
    for r in rows:
        if r[0] not in steps:
            steps.append(r[0])
    per = {s: [r for r in rows if r[0] == s] for s in steps}
    # one-shot listwash: ingest + clean of the same run
    ing, cln = per.get("listwash ingest"), per.get("listwash clean")
    if ing and cln:
        by_run = {r[1]: r for r in cln}
        combo = [("listwash ingest + clean", r[1], r[2] + by_run[r[1]][2], r[3] + by_run[r[1]][3],
                  max(r[4], by_run[r[1]][4]), r[5] + by_run[r[1]][5]) for r in ing if r[1] in by_run]
        pos = steps.index("listwash clean") + 1
        steps.insert(pos, "listwash ingest + clean")
        per["listwash ingest + clean"] = combo
    med = {}
    print(f"## listwash benchmark, size {size}, median of {runs} run(s)")
    print()
    print("| step | wall s (median) | wall s (min–max) | CPU s (user+sys) | peak MiB | MB/s of input | input |")
    print("|---|---:|---:|---:|---:|---:|---|")
    inputs = {"listwash ingest": "bounces.csv", "listwash clean": "subscribers.csv + history",
              "listwash ingest + clean": "both files"}
    for s in steps:
        rs = per[s]
        w = statistics.median(r[2] for r in rs)
        c = statistics.median(r[3] for r in rs)
        m = statistics.median(r[4] for r in rs) / 1024
        nbytes = rs[0][5]
        med[s] = w
        mbs = f"{nbytes / 1e6 / w:,.0f}" if w > 0 else "> 1000 (under 10 ms)"
        print(f"| {s} | {sec(w)} | {sec(min(r[2] for r in rs))}–{sec(max(r[2] for r in rs))} | {sec(c)} | "
              f"{m:,.0f} | {mbs} | {inputs.get(s, 'both files')} |")
    print()
    print("MB = 10^6 bytes of input files read by the step; peak = max RSS of the process (for")
    print("ingest + clean: the larger of the two). Medians are taken per column.")
    print()
    peer = "DuckDB clean-v1"
    if peer in med and med[peer] > 0:
        print("| ratio (same run, medians of wall time) | value | target |")
        print("|---|---:|---:|")
        if "listwash clean" in med:
            print(f"| listwash clean / DuckDB | {med['listwash clean'] / med[peer]:.2f} | ≤ {TARGETS['clean']} |")
        if "listwash ingest + clean" in med:
            print(f"| (listwash ingest + clean) / DuckDB | {med['listwash ingest + clean'] / med[peer]:.2f} | "
                  f"≤ {TARGETS['ingest+clean']} |")
        if "polars clean-v1" in med:
            print(f"| listwash clean / polars | {med['listwash clean'] / med['polars clean-v1']:.2f} | |")
    else:
        print("ratios: no DuckDB measurement in this run (install the peer: pip install duckdb)")
    return 0


def key(email):
    """clean-v1's join key: trim space, tab, CR, LF; lower-case ASCII letters only."""
    return email.strip(" \t\r\n").translate(_LOWER)


_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}


def count_records(path):
    """Data records of a CSV file (header excluded), parsed as RFC 4180."""
    try:
        import duckdb
        con = duckdb.connect()
        n = con.execute("SELECT count(*) FROM read_csv(?, header = true, all_varchar = true, "
                        "delim = ',', quote = '\"', escape = '\"')", [path]).fetchone()[0]
        con.close()
        return n
    except ImportError:
        with open(path, newline="", encoding="utf-8") as f:
            return sum(1 for _ in csv.reader(f)) - 1


def suppressed(path, column):
    out = {}
    with open(path, newline="", encoding="utf-8") as f:
        rd = csv.DictReader(f)
        if column not in (rd.fieldnames or []):
            raise SystemExit(f"{path}: no '{column}' column (header {rd.fieldnames})")
        for r in rd:
            out[key(r["email"])] = r[column]
    return out


def check(lw_dir, peer_dir):
    path = os.path.join(lw_dir, "suppressed.csv")
    with open(path, newline="", encoding="utf-8") as f:
        header = next(csv.reader(f), [])
    # listwash's own layout names the rule; the clean-v1 layout already uses the peer's reasons.
    clean_v1 = "rule" not in header
    lw_sup = suppressed(path, "reason" if clean_v1 else "rule")
    lw = {k: RULE_TO_REASON.get(v, v) for k, v in lw_sup.items()}
    pe = suppressed(os.path.join(peer_dir, "suppressed.csv"), "reason")
    lw_kept = count_records(os.path.join(lw_dir, "cleaned.csv"))
    pe_kept = count_records(os.path.join(peer_dir, "cleaned.csv"))
    print(f"## output check: listwash ({'clean-v1 policy' if clean_v1 else 'its own policy'}) vs DuckDB clean-v1")
    print()
    print("| reason (listwash rule) | listwash | DuckDB | difference |")
    print("|---|---:|---:|---:|")
    names = {v: k for k, v in RULE_TO_REASON.items()}
    extra = sorted(set(lw.values()) - set(REASONS))
    for reason in REASONS + extra:
        a = sum(1 for v in lw.values() if v == reason)
        b = sum(1 for v in pe.values() if v == reason)
        print(f"| {reason} ({names.get(reason, reason)}) | {a:,} | {b:,} | {a - b:+,} |")
    print(f"| suppressed, total | {len(lw):,} | {len(pe):,} | {len(lw) - len(pe):+,} |")
    print(f"| kept rows (cleaned.csv) | {lw_kept:,} | {pe_kept:,} | {lw_kept - pe_kept:+,} |")
    only_lw = sorted(k for k in lw if k not in pe)
    only_pe = sorted(k for k in pe if k not in lw)
    other = sorted(k for k in lw if k in pe and lw[k] != pe[k])
    print()
    print(f"addresses suppressed by listwash only: {len(only_lw):,}; by DuckDB only: {len(only_pe):,}; "
          f"by both with another reason: {len(other):,}")
    for title, ks, show in (("listwash only", only_lw, lambda k: lw[k]), ("DuckDB only", only_pe, lambda k: pe[k]),
                            ("reason differs", other, lambda k: f"listwash {lw[k]}, DuckDB {pe[k]}")):
        for k in ks[:3]:
            print(f"  e.g. {title}: {k!r} ({show(k)})")
    if not (only_lw or only_pe or other) and lw_kept == pe_kept:
        print("the suppressed sets and reasons agree")
    else:
        print("(with listwash's own policy the soft and mailbox-full counts differ by design)" if not clean_v1
              else "the suppressed sets differ: compare_outputs.py below says where")
    return 0


def main(argv):
    if len(argv) >= 2 and argv[1] == "data-ok" and len(argv) == 5:
        return data_ok(*argv[2:])
    if len(argv) >= 2 and argv[1] == "table" and len(argv) == 5:
        return table(*argv[2:])
    if len(argv) >= 2 and argv[1] == "check" and len(argv) == 4:
        return check(*argv[2:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
