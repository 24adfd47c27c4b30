#!/usr/bin/env python3
"""Run `listwash classify --eml` on the sisimai corpus and compare with its expectations.

Usage: conformance_sisimai.py [--mismatches] CORPUS_DIR LISTWASH_BINARY

Prints, overall and per file family (lhost-<mta>, rhost-<provider>, rfc3464, rfc3834, arf):
recipients found / expected, exact reason agreement, status agreement (only where the
expected status is a real RFC 3463 code, not sisimai's x.0.9NN stand-in) and agreement on
"removes at once" (listwash kind `hard` vs sisimai `hardbounce` true). Always exits 0.

With --mismatches, also lists every reason mismatch, grouped by family: file#index, expected
reason, listwash's reason, the rule that decided and the first 150 characters of the diagnostic.

Both print how many reason mismatches are listwash's deliberate differences from sisimai
(docs/classifier.md), told apart by the pair of reasons and the rule that decided; the
agreement figure itself counts them as mismatches.
"""
import collections
import json
import os
import re
import subprocess
import sys


def family(name):
    base = os.path.basename(name)
    return re.sub(r"-\d+\.eml$", "", base)


# listwash's deliberate differences (docs/classifier.md): (expected, got, rule prefix) -> why.
DELIBERATE = [
    ("filtered", "userunknown", "", "user unknown with no RCPT command or X.1.1 code is userunknown"),
    ("toomanyconn", "exceedlimit", "phrase:exceedlimit", "552 too many recipients is exceedlimit (X.5.3)"),
    ("blocked", "requireptr", "phrase:requireptr", "missing reverse DNS is requireptr"),
    ("systemerror", "mailererror", "phrase:mailererror", "X-Unix is mailererror"),
    ("rejected", "userunknown", "known:microsoft", "Exchange 5.4.1 access denied is userunknown (DBEB)"),
    ("expired", "networkerror", "known:sisimai", "an expiry with a named network cause is networkerror"),
]


def deliberate(expected, got, rule):
    for e, g, prefix, why in DELIBERATE:
        if expected == e and got == g and (rule or "").startswith(prefix) and "+command" not in (rule or ""):
            return why
    return None


def real_status(status):
    return bool(re.fullmatch(r"[245]\.\d{1,3}\.\d{1,3}", status or "")) and not re.fullmatch(r"\d\.0\.9\d\d", status)


def main():
    args = sys.argv[1:]
    show_mismatches = "--mismatches" in args
    args = [a for a in args if a != "--mismatches"]
    if len(args) != 2:
        print("usage: conformance_sisimai.py [--mismatches] CORPUS_DIR LISTWASH_BINARY", file=sys.stderr)
        return 0
    corpus, binary = args
    table = os.path.join(corpus, "expected.tsv")
    if not os.path.isdir(os.path.join(corpus, "eml")) or not os.path.isfile(table):
        print("corpus not found, skipped")
        return 0
    expected = collections.defaultdict(dict)
    with open(table, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            row = dict(zip(header, line.rstrip("\n").split("\t")))
            expected[os.path.basename(row["file"])][int(row["index"])] = row
    stats = collections.defaultdict(collections.Counter)
    misses = []
    mismatches = collections.defaultdict(list)
    files = sorted(n for n in os.listdir(os.path.join(corpus, "eml")) if n.endswith(".eml"))
    for name in files:
        path = os.path.join(corpus, "eml", name)
        run = subprocess.run([binary, "classify", "--eml", path], capture_output=True, text=True)
        got = []
        for out in run.stdout.splitlines():
            try:
                got.append(json.loads(out))
            except ValueError:
                pass
        rows = expected.get(name, {})
        for fam in ("ALL", family(name)):
            s = stats[fam]
            s["files"] += 1
            s["crash"] += 1 if run.returncode not in (0, 65) else 0
            s["expected"] += len(rows)
            s["emitted"] += len(got)
        for index, row in sorted(rows.items()):
            line = got[index - 1] if index - 1 < len(got) else None
            for fam in ("ALL", family(name)):
                s = stats[fam]
                if line is None:
                    continue
                s["found"] += 1
                s["reason"] += line.get("reason") == row["reason"]
                if real_status(row["status"]):
                    s["status_n"] += 1
                    s["status"] += (line.get("status") or "") == row["status"]
                s["hard"] += (line.get("kind") == "hard") == (row["hardbounce"] == "true")
            if line is None:
                misses.append(f"{name}#{index}")
            elif line.get("reason") != row["reason"]:
                why = deliberate(row["reason"], line.get("reason"), line.get("rule"))
                stats["ALL"]["deliberate"] += 1 if why else 0
                diagnostic = " ".join((line.get("diagnostic") or "").split())[:150]
                mismatches[family(name)].append(
                    f"  {name}#{index}  expected={row['reason']}  got={line.get('reason')}  "
                    f"rule={line.get('rule')}  status={line.get('status')}  reply={line.get('reply_code')}"
                    f"{'  [deliberate: ' + why + ']' if why else ''}\n"
                    f"      {diagnostic}")
    def pct(a, b):
        return f"{100.0 * a / b:5.1f}%" if b else "   - "
    print(f"{'family':28} {'files':>5} {'found/expected':>16} {'recip':>7} {'reason':>7} {'status':>14} {'hard':>7}")
    order = ["ALL"] + sorted(k for k in stats if k != "ALL")
    for fam in order:
        s = stats[fam]
        print(f"{fam:28} {s['files']:5} {s['found']:>7}/{s['expected']:<8} {pct(s['found'], s['expected']):>7} "
              f"{pct(s['reason'], s['expected']):>7} {s['status']:>4}/{s['status_n']:<4}{pct(s['status'], s['status_n']):>6} "
              f"{pct(s['hard'], s['expected']):>7}")
    a = stats["ALL"]
    mismatched = a["found"] - a["reason"]
    print(f"\nreason mismatches: {mismatched}, of which {a['deliberate']} are deliberate differences "
          f"(docs/classifier.md); agreement apart from them: {pct(a['reason'] + a['deliberate'], a['expected']).strip()}")
    if misses:
        print("\nrecipients not found: " + " ".join(misses))
    if show_mismatches and mismatches:
        total = sum(len(v) for v in mismatches.values())
        print(f"\nreason mismatches ({total}):")
        for fam in sorted(mismatches):
            print(f"{fam} ({len(mismatches[fam])}):")
            for entry in mismatches[fam]:
                print(entry)
    return 0


if __name__ == "__main__":
    sys.exit(main())
