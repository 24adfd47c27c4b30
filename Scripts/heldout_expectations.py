#!/usr/bin/env python3
"""Build a held-out bounce set (eml/ + expected.tsv) from another project's public test corpus.

Usage: heldout_expectations.py SOURCE OUT_DIR [--flufl HELPERS_PY] [--non-bounce FILE ...]
                               [--delayed FILE ...]

SOURCE is a folder of bounce messages (for example Debian's python3-flufl.bounce test data, or
the t/corpus folder of Mail::DeliveryStatus::BounceParser's source). Each message is copied to
OUT_DIR/eml/NAME.eml and classified by sisimai (Debian's libsisimai-perl, run through perl) to
give the expected reason per recipient. With --flufl, flufl.bounce's own test table (the DATA
list in flufl/bounce/testing/helpers.py) adds the recipients that project expects, and which of
them are a delay warning. --non-bounce names messages that project's own tests say are not
bounces (auto-replies, challenge/response). --delayed names messages that are delay warnings by
their own text ("has not yet been delivered ... delivery attempts will continue"), which sisimai
4.25 reports with action `failed`: their rows get bounce `delayed`.

expected.tsv has the columns of ../shared/corpus/sisimai/expected.tsv plus `recipient`
(matched case-insensitively instead of by position) and `bounce` (yes / no / delayed). A
recipient whose reason sisimai did not give has reason `?` (counted for detection and
recipients only). The folder is data to measure on, not part of the repository.
"""
import ast
import os
import re
import shutil
import subprocess
import sys

ORACLE = r'''
use strict; use Sisimai;
for my $f (@ARGV) {
  my $v = eval { Sisimai->make($f, 'delivered' => 1, 'vacation' => 1) } || [];
  for my $e (@$v) {
    print join("\t", $f, $e->recipient->address, $e->deliverystatus // '', $e->replycode // '',
               $e->reason // '', ($e->softbounce == 0 ? 'true' : 'false')), "\n";
  }
}
'''


def main():
    args = sys.argv[1:]
    flufl = None
    non_bounce = set()
    if "--flufl" in args:
        i = args.index("--flufl")
        flufl = args[i + 1]
        del args[i:i + 2]
    delayed = set()
    for option, into in (("--non-bounce", non_bounce), ("--delayed", delayed)):
        if option in args:
            i = args.index(option)
            j = i + 1
            while j < len(args) and not args[j].startswith("--"):
                into.add(args[j])
                j += 1
            del args[i:j]
    source, out = args
    os.makedirs(os.path.join(out, "eml"), exist_ok=True)
    names = sorted(n for n in os.listdir(source) if not n.startswith("_") and not n.endswith(".py"))
    paths = [os.path.join(source, n) for n in names if os.path.isfile(os.path.join(source, n))]
    run = subprocess.run(["perl", "-e", ORACLE] + paths, capture_output=True, text=True)
    oracle = {}
    for line in run.stdout.splitlines():
        f, rcpt, status, reply, reason, hard = line.split("\t")
        oracle.setdefault(os.path.basename(f), []).append((rcpt.lower(), status, reply, reason, hard))
    expect_flufl = {}
    if flufl:
        tree = ast.parse(open(flufl, encoding="utf-8").read())
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "DATA":
                for entry in ast.literal_eval(node.value):
                    temporary = len(entry) > 3 and entry[3]
                    expect_flufl[entry[1]] = ([a.decode().lower() for a in entry[2]], temporary)
    rows = []
    for name in names:
        path = os.path.join(source, name)
        if not os.path.isfile(path):
            continue
        eml = re.sub(r"\.(txt|msg|eml)$", "", name) + ".eml"
        shutil.copyfile(path, os.path.join(out, "eml", eml))
        got = [o for o in oracle.get(name, []) if o[3] not in ("delivered",)]
        if name in non_bounce:
            rows.append((eml, "-", "", "", "-", "false", "", "no"))
            continue
        if name in expect_flufl:
            addresses, temporary = expect_flufl[name]
            by = {o[0]: o for o in got}
            if not addresses and not [o for o in got if o[3] != "vacation"]:
                rows.append((eml, "-", "", "", "-", "false", "", "no"))
                continue
            if not addresses:
                addresses = [o[0] for o in got if o[3] != "vacation"]
            for a in addresses:
                o = by.get(a)
                rows.append((eml, "-", o[1] if o else "", o[2] if o else "", o[3] if o else "?",
                             o[4] if o else "false", a, "delayed" if temporary else "yes"))
            continue
        real = [o for o in got if o[3] != "vacation"]
        if not real:
            rows.append((eml, "-", "", "", "-", "false", "", "no"))
            continue
        for o in real:
            rows.append((eml, "-", o[1], o[2], o[3], o[4], o[0], "delayed" if name in delayed else "yes"))
    with open(os.path.join(out, "expected.tsv"), "w", encoding="utf-8") as f:
        f.write("file\tindex\tstatus\treplycode\treason\thardbounce\trecipient\tbounce\n")
        for r in rows:
            f.write("eml/" + "\t".join(r) + "\n")
    print(f"{len(names)} messages, {len(rows)} rows -> {out}")


if __name__ == "__main__":
    main()
