#!/usr/bin/env python3
"""Check listwash's CSV reader against the public CSV suites in the shared corpus.

Usage: conformance_csv.py SHARED_CORPUS_DIR LISTWASH_BINARY

SHARED_CORPUS_DIR holds `csv-spectrum/` and `commons-csv-fileparser/` (see its README).
Each input is read with `listwash inspect-csv`, which prints every record as a JSON array.

- csv-spectrum: the first record is the header; every other record must equal the expected
  object (same keys, same order, same values).
- commons-csv-fileparser: every record must equal the expected values. `IgnoreEmpty=false`
  maps to `--blank-lines`. Differences that listwash makes on purpose are set aside, counted
  and explained, and the case is "differs by design" when nothing else differs: comment lines
  (`CommentStart`, not implemented: `#` lines are records), spaces around fields
  (`IgnoreSpaces`, not implemented: they are data), and rows with text after a closing quote
  (rejected by listwash, leniently trimmed by commons-csv). Any other difference fails.

Prints one line per case and the totals. Exit status 1 when a case failed, else 0 (also when
the corpus is absent: it prints "corpus not found, skipped").
"""
import json
import os
import subprocess
import sys

BY_DESIGN = {
    "comment": "no comment lines: a leading '#' is data in subscriber exports, so '#' lines are records",
    "spaces": "spaces around fields are data: kept rows are copied byte for byte (addresses are trimmed only for matching)",
    "closing-quote": "a row with text other than blanks after a closing quote is rejected to rejects.csv, not guessed at; "
                     "commons-csv's lenient dialect drops the spaces",
}
CLOSING_QUOTE_ERROR = "text after the closing quote"


def trim_outside_quotes(value):
    """commons-csv's IgnoreSpaces: blanks around a field go, and a quoted field inside them is unquoted."""
    v = value.strip(" ")
    if len(v) >= 2 and v[0] == '"' and v[-1] == '"':
        v = v[1:-1].replace('""', '"')
    return v


def inspect(binary, path, blank_lines=False):
    """The records listwash reads from `path` as (fields, error) pairs, malformed ones included."""
    args = [binary, "inspect-csv", "--quiet", "--lines", path]
    if blank_lines:
        args.append("--blank-lines")
    run = subprocess.run(args, capture_output=True)
    records = []
    for line in run.stdout.decode("utf-8").splitlines():
        if line.strip():
            obj = json.loads(line)
            records.append((obj["fields"], obj.get("error")))
    return records


def plural(n):
    return f"{n} record" if n == 1 else f"{n} records"


def show(values):
    return json.dumps(values, ensure_ascii=False)


def spectrum(folder, binary, totals):
    csvs = os.path.join(folder, "csvs")
    names = sorted(n[:-4] for n in os.listdir(csvs) if n.endswith(".csv"))
    print(f"csv-spectrum ({len(names)} cases)")
    for name in names:
        with open(os.path.join(folder, "json", name + ".json"), encoding="utf-8") as f:
            want = [[list(p) for p in row] for row in json.load(f, object_pairs_hook=lambda pairs: pairs)]
        records = inspect(binary, os.path.join(csvs, name + ".csv"))
        problems = [f"line of record {i + 1}: {error}" for i, (_, error) in enumerate(records) if error]
        got = []
        if records:
            header = records[0][0]
            for fields, _ in records[1:]:
                row = [[k, v] for k, v in zip(header, fields)]
                if len(fields) != len(header):
                    row.append(["<field count>", len(fields)])
                got.append(row)
        compare(name, got, want, problems, [], totals)


def commons(folder, binary, totals):
    cases = sorted(n for n in os.listdir(os.path.join(folder, "expected")) if n.endswith(".json"))
    print(f"commons-csv-fileparser ({len(cases)} cases)")
    for case in cases:
        with open(os.path.join(folder, "expected", case), encoding="utf-8") as f:
            spec = json.load(f)
        options = spec["options"]
        records = inspect(binary, os.path.join(folder, "input", spec["input"]), blank_lines=not options.get("IgnoreEmpty"))
        want = [r["values"] for r in spec["records"]]
        explained = []
        comment = options.get("CommentStart")
        if comment:
            # commons-csv drops comment lines; listwash reads them as records. Set them aside.
            kept = [r for r in records if not (r[0] and r[0][0].startswith(comment))]
            if len(kept) != len(records):
                explained.append(f"{len(records) - len(kept)} '{comment}' lines: {BY_DESIGN['comment']}")
            records = kept
        got, problems = [], []
        spaces = quotes = 0
        for i, (fields, error) in enumerate(records):
            w = want[i] if i < len(want) else None
            if error and error.startswith(CLOSING_QUOTE_ERROR) and w is not None and len(w) == len(fields):
                quotes += 1
                got.append(w)
            elif error:
                problems.append(f"record {i + 1}: {error}")
                got.append(fields)
            elif options.get("IgnoreSpaces") and w is not None and fields != w and len(fields) == len(w) and all(
                    f == x or trim_outside_quotes(f) == x for f, x in zip(fields, w)):
                spaces += 1
                got.append(w)
            else:
                got.append(fields)
        if spaces:
            explained.append(f"{plural(spaces)} with spaces around fields (IgnoreSpaces): {BY_DESIGN['spaces']}")
        if quotes:
            explained.append(f"{plural(quotes)} rejected: {BY_DESIGN['closing-quote']}")
        compare(spec["case"], got, want, problems, explained, totals)


def compare(name, got, want, problems, explained, totals):
    """Passed when equal; differs by design when equal once the explained differences are set aside."""
    agree = sum(1 for g, w in zip(got, want) if g == w)
    difference = ""
    for i, (g, w) in enumerate(zip(got, want)):
        if g != w:
            difference = f"record {i + 1}: got {show(g)}, expected {show(w)}"
            break
    if not difference and len(got) != len(want):
        difference = f"{len(got)} records, expected {len(want)}"
    if not difference and problems:
        difference = "; ".join(problems)
    if difference:
        totals["failed"] += 1
        print(f"  FAILED  {name}: {agree} of {len(want)} records agree; {difference}")
    elif explained:
        totals["by design"] += 1
        print(f"  differs by design  {name} ({plural(len(want))}): " + "; ".join(explained))
    else:
        totals["passed"] += 1
        print(f"  passed  {name} ({plural(len(want))})")


def main():
    if len(sys.argv) != 3:
        print("usage: conformance_csv.py SHARED_CORPUS_DIR LISTWASH_BINARY", file=sys.stderr)
        return 64
    corpus, binary = sys.argv[1], sys.argv[2]
    suites = [("csv-spectrum", spectrum, "csvs"), ("commons-csv-fileparser", commons, "expected")]
    present = [(n, f) for n, f, probe in suites if os.path.isdir(os.path.join(corpus, n, probe))]
    if not present:
        print("CSV corpus not found, skipped")
        return 0
    totals = {"passed": 0, "failed": 0, "by design": 0}
    for name, run in present:
        run(os.path.join(corpus, name), binary, totals)
    for name, _, probe in suites:
        if not os.path.isdir(os.path.join(corpus, name, probe)):
            print(f"{name}: corpus not found, skipped")
    cases = sum(totals.values())
    print(f"CSV conformance: {totals['passed']} passed, {totals['failed']} failed, "
          f"{totals['by design']} differ by design, of {cases} cases")
    return 1 if totals["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
