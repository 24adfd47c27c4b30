#!/usr/bin/env python3
"""Helpers of Benchmarks/bench.sh (standard library; DuckDB only to count rows when present).

    bench_report.py data-ok DATA_DIR SIZE SEED     exit 0 when DATA_DIR holds that data set
    bench_report.py day-ok DATA_DIR SIZE SEED      exit 0 when DATA_DIR holds its day.csv
    bench_report.py ingest-counts LOG              "NEW DUPLICATE REJECTED" from an ingest log
    bench_report.py repeats EVENTS.csv             how many rows repeat an earlier row's event
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
TARGETS = {"clean": 0.5, "ingest+clean": 1.0, "one-off": 1.0}   # the speed targets, as ratios to DuckDB
DAY_TARGET_S = 2.0          # incremental ingest of a day (1% of the log) into the L history
CLEAN_RSS_MIB = 300         # clean's peak at L (and not growing with the list's length)
INGEST_RSS_MIB = 500        # ingest's peak at L
DAY_STEP = "listwash ingest (1% day)"
ONE_OFF = "listwash one-off clean"
FLOOR = "floor: "
ONE_OFF_RSS_MIB = 500       # the one-off clean's peak at L
REDAY_STEP = "listwash re-ingest (day)"


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


def day_ok(data, size, seed):
    """day.csv of DATA_DIR matches its day.json, which was drawn from this subscribers.csv."""
    sys.path.insert(0, HERE)
    import gen_data
    try:
        with open(os.path.join(data, "day.json"), encoding="utf-8") as f:
            d = json.load(f)
        with open(os.path.join(data, "manifest.json"), encoding="utf-8") as f:
            m = json.load(f)
    except (OSError, ValueError):
        return 1
    if (d.get("day_version") != gen_data.DAY_VERSION or d.get("size") != size or d.get("seed") != int(seed)
            or d.get("log_events") != m.get("bounces")):
        return 1
    sizes = dict(d.get("files", {}))
    sizes["subscribers.csv"] = d.get("drawn_from", {}).get("subscribers.csv")
    for name, n in sizes.items():
        p = os.path.join(data, name)
        if not os.path.exists(p) or os.path.getsize(p) != n:
            return 1
    return 0


def ingest_counts(log):
    """The counts of listwash ingest's last line: total: N new, N duplicate, N rejected into ..."""
    import re
    last = None
    with open(log, encoding="utf-8", errors="replace") as f:
        for line in f:
            mt = re.match(r"total: ([\d,]+) new, ([\d,]+) duplicate, ([\d,]+) rejected", line)
            if mt:
                last = [int(x.replace(",", "")) for x in mt.groups()]
    if last is None:
        print(f"{log}: no 'total: N new, N duplicate, N rejected' line", file=sys.stderr)
        return 1
    print(*last)
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

    def combine(name, first, second, after):
        """A row per run adding two steps of that run (wall, CPU and bytes added, the larger peak)."""
        a, b = per.get(first), per.get(second)
        if not a or not b:
            return
        by_run = {r[1]: r for r in b}
        per[name] = [(name, r[1], r[2] + by_run[r[1]][2], r[3] + by_run[r[1]][3],
                      max(r[4], by_run[r[1]][4]), r[5] + by_run[r[1]][5]) for r in a if r[1] in by_run]
        steps.insert(steps.index(after) + 1, name)

    # one-shot listwash: ingest + clean of the same run, and its floor
    combine("listwash ingest + clean", "listwash ingest", "listwash clean", "listwash clean")
    combine(FLOOR + "listwash ingest + clean", FLOOR + "listwash ingest", FLOOR + "listwash clean",
            FLOOR + "listwash clean" if FLOOR + "listwash clean" in steps else "listwash clean")
    med = {}
    print(f"## listwash benchmark, size {size}, median of {runs} run(s)")
    print()
    print("| step | wall s (median) | wall s (min–max) | CPU s (user+sys) | peak MiB | MB/s of input | floor s | × floor | input |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    inputs = {"listwash ingest": "bounces.csv", "listwash clean": "subscribers.csv + history",
              "listwash ingest + clean": "both files", DAY_STEP: "day.csv into that history",
              REDAY_STEP: "day.csv again (0 new)", ONE_OFF: "both files, no history"}
    peak = {}
    for s in steps:
        rs = per[s]
        med[s] = statistics.median(r[2] for r in rs)
        peak[s] = max(r[4] for r in rs) / 1024
    for s in steps:
        if s.startswith(FLOOR):
            continue
        rs = per[s]
        w = med[s]
        c = statistics.median(r[3] for r in rs)
        m = statistics.median(r[4] for r in rs) / 1024
        nbytes = rs[0][5]
        mbs = ((f"{nbytes / 1e6 / w:,.0f}" if nbytes / 1e6 / w >= 10 else f"{nbytes / 1e6 / w:.1f}")
               if w > 0 else "> 1000 (under 10 ms)")
        f = med.get(FLOOR + s)
        fl = ("–", "–") if f is None else (sec(f), f"{w / f:.1f}×" if f > 0 else "–")
        print(f"| {s} | {sec(w)} | {sec(min(r[2] for r in rs))}–{sec(max(r[2] for r in rs))} | {sec(c)} | "
              f"{m:,.0f} | {mbs} | {fl[0]} | {fl[1]} | {inputs.get(s, 'both files')} |")
    print()
    print("MB = 10^6 bytes of input files read by the step; peak = max RSS of the process (for")
    print("ingest + clean: the larger of the two). Medians are taken per column. The floor of a")
    print("step: cat of its inputs, then as many bytes as the step wrote (the history, the output")
    print("set) copied by cat into one file and synced, median wall s; × floor = step / floor.")
    print()
    targets(med, peak, size, runs)
    return 0


def targets(med, peak, size, runs):
    """One line per target of the issue: measured value, met or missed. Ratios are medians
    of the same run; the memory lines take the largest peak over the runs. Targets stated
    for L are judged at L only; at other sizes the line says so."""
    at_l = size == "L"

    def verdict(ok, for_l):
        if ok is None:
            return "not measured"
        word = "met" if ok else "missed"
        return word if at_l or not for_l else f"{word} at {size} (the target is for L)"

    peer = "DuckDB clean-v1"
    have_peer = peer in med and med[peer] > 0
    lines = []
    for step, key, label in (("listwash clean", "clean", "listwash clean / DuckDB (wall, same run)"),
                             ("listwash ingest + clean", "ingest+clean",
                              "(listwash ingest + clean) / DuckDB (wall, same run)"),
                             (ONE_OFF, "one-off", "listwash one-off clean (clean --events) / DuckDB (wall, same run)")):
        if step in med and have_peer:
            v = med[step] / med[peer]
            lines.append((label, f"≤ {TARGETS[key]}×", "every size", f"{v:.2f}×", verdict(v <= TARGETS[key], False)))
        else:
            lines.append((label, f"≤ {TARGETS[key]}×", "every size", "–", verdict(None, False)))
    v = med.get(DAY_STEP)
    lines.append(("incremental ingest of a day's events (1% of the log) into the history, wall",
                  f"≤ {DAY_TARGET_S:g} s", "L", "–" if v is None else f"{sec(v)} s",
                  verdict(None if v is None else v <= DAY_TARGET_S, True)))
    v = peak.get("listwash clean")
    lines.append(("listwash clean, peak RSS (and not growing with the list's length: compare sizes)",
                  f"≤ {CLEAN_RSS_MIB} MiB", "L", "–" if v is None else f"{v:,.0f} MiB",
                  verdict(None if v is None else v <= CLEAN_RSS_MIB, True)))
    v = peak.get("listwash ingest")
    lines.append(("listwash ingest of bounces.csv, peak RSS", f"≤ {INGEST_RSS_MIB} MiB", "L",
                  "–" if v is None else f"{v:,.0f} MiB", verdict(None if v is None else v <= INGEST_RSS_MIB, True)))
    v = peak.get(ONE_OFF)
    lines.append(("listwash one-off clean, peak RSS", f"≤ {ONE_OFF_RSS_MIB} MiB", "L",
                  "–" if v is None else f"{v:,.0f} MiB", verdict(None if v is None else v <= ONE_OFF_RSS_MIB, True)))
    print(f"## targets (measured at {size}, {runs} run(s))")
    print()
    print("| target | bound | applies at | measured | status |")
    print("|---|---:|---|---:|---|")
    for label, bound, where, value, status in lines:
        print(f"| {label} | {bound} | {where} | {value} | {status} |")
    print()
    print("Ratios and the day's ingest use medians of wall time; the peaks are the largest of the runs.")
    if not have_peer:
        print("ratios: no DuckDB measurement in this run (install the peer: pip install duckdb)")
    elif "polars clean-v1" in med and "listwash clean" in med and med["polars clean-v1"] > 0:
        print(f"listwash clean / polars: {med['listwash clean'] / med['polars clean-v1']:.2f}× (no target)")
        if ONE_OFF in med:
            print(f"listwash one-off clean / polars: {med[ONE_OFF] / med['polars clean-v1']:.2f}× (no target)")
    if ONE_OFF in med and "listwash ingest + clean" in med and med["listwash ingest + clean"] > 0:
        print(f"listwash one-off clean / (ingest + clean): {med[ONE_OFF] / med['listwash ingest + clean']:.2f}× (no target)")


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


def repeats(path):
    """Rows of a canonical events CSV (email,timestamp,smtp_code,enhanced_code,diagnostic)
    that repeat an earlier row's event: the same address (blanks trimmed, domain lower-cased,
    as listwash identifies it) and the same other fields. listwash counts these as duplicates."""
    seen = set()
    n = 0
    with open(path, newline="", encoding="utf-8", errors="replace") as f:
        rows = csv.reader(f)
        next(rows, None)
        for row in rows:
            if not row:
                continue
            address = row[0].strip()
            local, at, domain = address.rpartition("@")
            key = ((local + at + domain.lower()) if at else address,) + tuple(row[1:])
            if key in seen:
                n += 1
            seen.add(key)
    print(n)
    return 0


def main(argv):
    if len(argv) >= 2 and argv[1] == "data-ok" and len(argv) == 5:
        return data_ok(*argv[2:])
    if len(argv) >= 2 and argv[1] == "day-ok" and len(argv) == 5:
        return day_ok(*argv[2:])
    if len(argv) >= 2 and argv[1] == "ingest-counts" and len(argv) == 3:
        return ingest_counts(argv[2])
    if len(argv) >= 2 and argv[1] == "repeats" and len(argv) == 3:
        return repeats(argv[2])
    if len(argv) >= 2 and argv[1] == "table" and len(argv) == 5:
        return table(*argv[2:])
    if len(argv) >= 2 and argv[1] == "check" and len(argv) == 4:
        return check(*argv[2:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
