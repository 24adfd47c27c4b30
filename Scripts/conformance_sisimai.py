#!/usr/bin/env python3
"""Run `listwash classify --eml` on the sisimai corpus and compare with its expectations.

Usage: conformance_sisimai.py [--mismatches] CORPUS_DIR LISTWASH_BINARY

CORPUS_DIR holds eml/*.eml and expected.tsv. The same script measures a held-out set built by
Scripts/heldout_expectations.py: there expected.tsv also has `recipient` (a row is matched to
listwash's output by address, not by position; reason `?` means no expected reason) and `bounce`
(yes / delayed / no), and the script adds bounce detection (messages expected to be bounces that
gave at least one failed or delayed line, a bounce reported with no recipient included; non-bounces
that gave no failed line with an address, which is what puts an address on the list) and delay agreement,
and lists the recipients not found, the non-bounces reported as bounces and the delay warnings
not reported as delayed.

Prints, overall and per file family (lhost-<mta>, rhost-<provider>, rfc3464, rfc3834, arf):
recipients found / expected, exact reason agreement, status agreement (only where the
expected status is a real RFC 3463 code, not sisimai's x.0.9NN stand-in) and agreement on
"removes at once" (listwash kind `hard` vs sisimai `hardbounce` true). Always exits 0.

With --mismatches, also lists every reason mismatch, grouped by family: file#index, expected
reason, listwash's reason, the rule that decided and the first 150 characters of the diagnostic.

Both print how many reason mismatches are listwash's deliberate differences from sisimai
(docs/classifier.md), told apart by the pair of reasons and the rule that decided (and, for a
delay warning, by listwash's action); the agreement figure itself counts them as mismatches.

No reason label is mapped between sisimai versions. The held-out sets' labels come from
sisimai 4.25, the shared corpus' from a newer sisimai; the differences once put down to the
version are not version changes: current sisimai (go-sisimai `reason/find.go`) also says
`onhold` for a reply whose text names no cause and `expired` for a delay notice whose text
names none, and files X.2.3 under `exceedlimit` (`reason/why-exceedlimit.go`). What listwash
does differently there is its own choice, listed in DELIBERATE when it is one. What does
differ between the two is which text sisimai reads as the diagnostic: the same notice ("This is
an automatically generated Delivery Status Notification. Delivery to the following recipients
failed") is `onhold` in 4.25's labels and `undefined` in the newer one's, because sisimai says
`onhold` when its diagnostic is not empty. Both mean "no cause named" (listwash's kind is soft
for either), so the script also prints the agreement with `onhold` and `undefined` counted as
one finding; the reason figure itself keeps them apart.
"""
import collections
import json
import os
import re
import subprocess
import sys


def family(name):
    base = os.path.basename(name)
    return re.sub(r"[-_]?\d*\.eml$", "", base)


# listwash's deliberate differences (docs/classifier.md): (expected, got, rule prefix) -> why.
DELIBERATE = [
    ("filtered", "userunknown", "", "user unknown with no RCPT command or X.1.1 code is userunknown"),
    ("toomanyconn", "exceedlimit", "phrase:exceedlimit", "552 too many recipients is exceedlimit (X.5.3)"),
    ("blocked", "requireptr", "phrase:requireptr", "missing reverse DNS is requireptr"),
    ("systemerror", "mailererror", "phrase:mailererror", "X-Unix is mailererror"),
    ("rejected", "userunknown", "known:microsoft", "Exchange 5.4.1 access denied is userunknown (DBEB)"),
    ("expired", "networkerror", "known:sisimai", "an expiry with a named network cause is networkerror"),
    ("exceedlimit", "mesgtoobig", "", "a message too big for the recipient is mesgtoobig by its words, X.2.3 or not"),
]


def deliberate(expected, got, rule, action=None):
    # A delay warning is `delayed` (RFC 3464 Action), with the cause its text names or none;
    # sisimai reports it as failed and says `expired` when it finds no cause (reason/find.go).
    if expected == "expired" and action == "delayed":
        return "a delay warning is delayed, not an expiry"
    for e, g, prefix, why in DELIBERATE:
        if expected == e and got == g and (rule or "").startswith(prefix) and "+command" not in (rule or ""):
            return why
    return None


# sisimai's two labels for a failure whose cause was not found (reason/find.go): onhold when
# its diagnostic text is not empty, undefined when it is.
NO_CAUSE = {"onhold", "undefined"}

HARD = {"userunknown", "hostunknown", "hasmoved"}
SOFT = {"mailboxfull", "expired", "networkerror", "systemerror", "systemfull", "mailererror", "onhold", "undefined"}


def expected_kind(reason, reply, status):
    """listwash's kind for sisimai's reason (docs/classifier.md, Kinds)."""
    if reason in HARD:
        return "hard"
    if reason in ("suspend", "notaccept"):
        temporary = (reply or "").startswith("4") or (status or "").startswith("4")
        return "soft" if temporary else "hard"
    if reason in SOFT:
        return "soft"
    if reason in ("vacation", "feedback", "delivered", "-", "?"):
        return None
    return "sender"


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
            rows = expected[os.path.basename(row["file"])]
            index = int(row["index"]) if row["index"].isdigit() else len(rows) + 1
            rows[index] = row
    stats = collections.defaultdict(collections.Counter)
    misses = []
    undelayed = []
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
            s["expected"] += sum(1 for r in rows.values() if r["reason"] != "-")
            s["reason_n"] += sum(1 for r in rows.values() if r["reason"] not in ("-", "?"))
            s["emitted"] += len(got)
        by_rcpt = {(g.get("recipient") or "").lower(): g for g in got}
        bounce_lines = [g for g in got if g.get("action") in ("failed", "delayed")]
        # A failure notice that names no recipient anywhere is reported as a bounce with no
        # recipient (a line with a null recipient, no event): it is detected, and it puts no
        # address on the list, so a message the other project calls no bounce is still kept out.
        addressed = [g for g in bounce_lines if g.get("recipient")]
        flags = {r.get("bounce") for r in rows.values() if r.get("bounce")}
        if flags:
            for fam in ("ALL", family(name)):
                s = stats[fam]
                if flags == {"no"}:
                    s["nonbounce_n"] += 1
                    s["nonbounce"] += not addressed
                    s["nonbounce_unaddressed"] += bool(bounce_lines) and not addressed
                else:
                    s["bounce_n"] += 1
                    s["bounce"] += bool(bounce_lines)
                    s["bounce_unaddressed"] += bool(bounce_lines) and not addressed
            if flags == {"no"}:
                if addressed:
                    misses.append(f"{name}(not a bounce, got {len(addressed)})")
                continue
        for index, row in sorted(rows.items()):
            if row.get("recipient"):
                line = by_rcpt.get(row["recipient"].lower())
            else:
                line = got[index - 1] if index - 1 < len(got) else None
            for fam in ("ALL", family(name)):
                s = stats[fam]
                if line is None or row.get("bounce") != "delayed":
                    continue
                s["delay_n"] += 1
                s["delay"] += line.get("action") == "delayed"
                if fam == "ALL" and line.get("action") != "delayed":
                    undelayed.append(f"{name}#{index}")
            if row["reason"] == "?":
                for fam in ("ALL", family(name)):
                    stats[fam]["noreason"] += 1
                    stats[fam]["found"] += line is not None
                if line is None:
                    misses.append(f"{name}#{index}")
                continue
            kind = expected_kind(row["reason"], row.get("replycode"), row.get("status"))
            for fam in ("ALL", family(name)):
                s = stats[fam]
                if line is None:
                    continue
                s["found"] += 1
                s["reason"] += line.get("reason") == row["reason"]
                s["reason_nocause"] += line.get("reason") == row["reason"] or (
                    line.get("reason") in NO_CAUSE and row["reason"] in NO_CAUSE)
                if real_status(row["status"]):
                    s["status_n"] += 1
                    s["status"] += (line.get("status") or "") == row["status"]
                s["hard"] += (line.get("kind") == "hard") == (row["hardbounce"] == "true")
                if kind:
                    s["kind_n"] += 1
                    s["kind"] += line.get("kind") == kind
                    s["kind_d"] += line.get("kind") == kind or bool(
                        deliberate(row["reason"], line.get("reason"), line.get("rule"), line.get("action")))
            if line is None:
                misses.append(f"{name}#{index}")
            elif line.get("reason") != row["reason"]:
                why = deliberate(row["reason"], line.get("reason"), line.get("rule"), line.get("action"))
                stats["ALL"]["deliberate"] += 1 if why else 0
                diagnostic = " ".join((line.get("diagnostic") or "").split())[:150]
                mismatches[family(name)].append(
                    f"  {name}#{index}  expected={row['reason']}  got={line.get('reason')}  "
                    f"rule={line.get('rule')}  status={line.get('status')}  reply={line.get('reply_code')}"
                    f"{'  [deliberate: ' + why + ']' if why else ''}\n"
                    f"      {diagnostic}")
    def pct(a, b):
        return f"{100.0 * a / b:5.1f}%" if b else "   - "
    heldout = any(stats[k]["bounce_n"] or stats[k]["nonbounce_n"] for k in stats)
    print(f"{'family':28} {'files':>5} {'found/expected':>16} {'recip':>7} {'reason':>7} {'status':>14} {'hard':>7}"
          + (f" {'kind':>7} {'bounce':>13} {'non-bounce':>11} {'delayed':>9}" if heldout else ""))
    order = ["ALL"] + sorted(k for k in stats if k != "ALL")
    for fam in order:
        s = stats[fam]
        print(f"{fam:28} {s['files']:5} {s['found']:>7}/{s['expected']:<8} {pct(s['found'], s['expected']):>7} "
              f"{pct(s['reason'], s['reason_n']):>7} {s['status']:>4}/{s['status_n']:<4}{pct(s['status'], s['status_n']):>6} "
              f"{pct(s['hard'], s['reason_n']):>7}"
              + (f" {pct(s['kind'], s['kind_n']):>7} {s['bounce']:>4}/{s['bounce_n']:<3}{pct(s['bounce'], s['bounce_n']):>6}"
                 f" {s['nonbounce']:>3}/{s['nonbounce_n']:<3}{pct(s['nonbounce'], s['nonbounce_n']):>5}"
                 f" {s['delay']:>3}/{s['delay_n']:<3}" if heldout else ""))
    a = stats["ALL"]
    mismatched = a["found"] - a["noreason"] - a["reason"]
    print(f"\nreason mismatches: {mismatched}, of which {a['deliberate']} are deliberate differences "
          f"(docs/classifier.md); agreement apart from them: {pct(a['reason'] + a['deliberate'], a['reason_n']).strip()}")
    print(f"reason agreement counting onhold and undefined as one finding (no cause named): "
          f"{pct(a['reason_nocause'], a['reason_n']).strip()}")
    if a["kind_n"]:
        print(f"kind (hard/soft/sender) agreement: {pct(a['kind'], a['kind_n']).strip()}; apart from the deliberate "
              f"differences: {pct(a['kind_d'], a['kind_n']).strip()}")
    if a["bounce_n"] or a["nonbounce_n"]:
        print(f"reported as a bounce with no recipient (no event): {a['bounce_unaddressed']} of the "
              f"{a['bounce']} bounces detected, {a['nonbounce_unaddressed']} of the {a['nonbounce_n']} non-bounces")
    if misses:
        print("\nrecipients not found: " + " ".join(misses))
    if undelayed:
        print("delay warnings not reported as delayed: " + " ".join(undelayed))
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
