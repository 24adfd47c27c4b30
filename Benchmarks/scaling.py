#!/usr/bin/env python3
"""make bench-scaling: every reader must run in time linear in its input.

For each reader, generates the worst input we know how to build for it at 1, 4 and 16 MB
(a long line or field, a pattern repeated all along a header or diagnostic, many short
lines), runs the real release binary on it (`listwash ingest`, `clean`, `classify`,
`inspect-csv`: what users run) RUNS times, and prints the median CPU seconds per MB at each size
and the ratio of the 16 MB per-MB time to the 1 MB one. The median time of the same case at
16 KiB (start-up, opening the history, writing outputs) is taken off first, so that a fixed
cost does not make a superlinear reader look linear at 1 MB. A linear reader gives a ratio near 1;
a ratio above 2 is flagged (a quadratic one gives about 16). The exit status is 1 when any
case is flagged or fails, so the check can gate a change.

Usage: scaling.py [--binary .build/release/listwash] [--work bench-data/scaling]
                  [--sizes 1,4,16] [--runs 3] [--only SUBSTRING]
"""
import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys

MB = 1 << 20
FLAG_RATIO = 2.0
# Below this many seconds per MB (above 200 MB/s) the 1 MB time is within the noise of the
# start-up it is measured against: the ratio divides by this instead.
RESOLUTION = 0.005


# ---- generators: each writes about `size` bytes to `path` ----------------------------------

def repeat_to(unit, size):
    """`unit` repeated to exactly `size` characters."""
    return (unit * (size // len(unit) + 1))[:size]


def dsn(returned_headers, notice="", groups=None):
    """A multipart/report bounce with the given returned-message headers."""
    groups = groups if groups is not None else (
        "Final-Recipient: rfc822; user@example.org\nAction: failed\nStatus: 5.1.1\n"
        "Diagnostic-Code: smtp; 550 5.1.1 <user@example.org>: Recipient address rejected: User unknown\n")
    return (
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\n"
        "To: sender@example.com\nSubject: Undelivered Mail Returned to Sender\n"
        "Date: Mon, 1 Jun 2026 10:00:00 +0000\nMessage-ID: <bounce-1@mx.example.net>\n"
        "MIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\n\n'
        "--B\nContent-Type: text/plain\n\nThis is the mail system at host mx.example.net.\n\n"
        f"{notice}\n"
        "--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\n"
        f"{groups}\n"
        "--B\nContent-Type: message/rfc822\n\n"
        f"From: sender@example.com\nTo: user@example.org\n{returned_headers}\n\nHello.\n--B--\n")


def eml_long_header(path, size):
    # One header line of the returned message: encoded-word openers that never close, statuses
    # and addresses, the patterns the mail readers look for.
    run = repeat_to("=?x?B?QUFB 5.1.1 a@b.example ", size)
    write(path, dsn("Subject: " + run))


def eml_many_lines(path, size):
    # A returned Content-Type folded over many short unindented parameter lines (each line
    # is appended to the field), then many short header fields.
    half = size // 2
    params = "".join(f"p{i}=v;\n" for i in range(half // 9))
    fields = "".join(f"X-H{i}: a\n" for i in range(half // 11))
    write(path, dsn("Content-Type: text/plain;\n" + params + 'charset="us-ascii"\n' + fields))


def eml_many_recipients(path, size):
    # A DSN listing many recipients, each also named in the notification text.
    per = ("Final-Recipient: rfc822; user{i}@example.org\nAction: failed\nStatus: 5.1.1\n"
           "Diagnostic-Code: smtp; 550 5.1.1 User unknown\n\n")
    n = size // (len(per) + 40)
    groups = "".join(per.format(i=i) for i in range(n))
    notice = "".join(f"<user{i}@example.org>: 550 5.1.1 User unknown\n" for i in range(n))
    write(path, dsn("Subject: hello", notice=notice, groups=groups))


def postfix_lines(path, size):
    line = ("Jun  1 10:00:{s:02d} mx postfix/smtp[123]: 4B1C{i:06X}: to=<user{i}@example.org>, "
            "relay=mx.example.org[192.0.2.1]:25, delay=1, dsn=5.1.1, status=bounced (host mx.example.org[192.0.2.1] "
            "said: 550 5.1.1 <user{i}@example.org>: Recipient address rejected: User unknown (in reply to RCPT TO command))\n")
    out, total, i = [], 0, 0
    while total < size:
        l = line.format(s=i % 60, i=i)
        out.append(l)
        total += len(l)
        i += 1
    write(path, "".join(out))


def postfix_long_line(path, size):
    # One line: " postfix" (not a program name) over and over, then a real delivery line's tail.
    head = "Jun  1 10:00:05 mx"
    tail = (" postfix/smtp[123]: 4B1C0001: to=<user@example.org>, dsn=5.1.1, status=bounced "
            "(host mx said: 550 5.1.1 User unknown)\n")
    write(path, head + repeat_to(" postfix", size - len(head) - len(tail)) + tail)


def canonical_csv_rows(path, size):
    header = "email,timestamp,event,smtp_code,enhanced_code,diagnostic\n"
    row = '"user{i}@example.org",2026-09-14T10:00:05Z,bounce,550,5.1.1,"550 5.1.1 <user{i}@example.org>: User unknown, ""quoted"""\n'
    write(path, header + fill(row, size - len(header)))


def canonical_csv_quoted_field(path, size):
    header = "email,timestamp,event,smtp_code,enhanced_code,diagnostic\n"
    # One line, as in list_csv_long_field: past the 1 MiB record limit the record is rejected
    # up to the end of its first line.
    body = repeat_to('550 5.1.1 user unknown "" a,b; ', size - 200)
    write(path, header + f'user@example.org,2026-09-14T10:00:05Z,bounce,550,5.1.1,"{body}"\n'
          + "other@example.org,2026-09-14T10:00:05Z,bounce,550,5.1.1,550 5.1.1 user unknown\n")


def jsonl_long_string(path, size):
    diag = repeat_to("550 5.1.1 user unknown \\\" \\u00e9 ", size - 200)
    write(path, '{"email":"user@example.org","timestamp":"2026-09-14T10:00:05Z","event":"bounce",'
          f'"smtp_code":550,"enhanced_code":"5.1.1","diagnostic":"{diag}"}}\n'
          '{"email":"other@example.org","timestamp":"2026-09-14T10:00:05Z","event":"delivered"}\n')


def jsonl_rows(path, size):
    row = ('{{"email":"user{i}@example.org","timestamp":"2026-09-14T10:00:05Z","event":"bounce",'
           '"smtp_code":550,"enhanced_code":"5.1.1","diagnostic":"550 5.1.1 <user{i}@example.org>: User unknown"}}\n')
    write(path, fill(row, size))


def ses_long_string(path, size):
    diag = repeat_to("smtp; 550 5.1.1 user unknown \\\" ", size - 600)
    write(path, '{"notificationType":"Bounce","bounce":{"bounceType":"Permanent","bounceSubType":"General",'
          '"timestamp":"2024-06-01T10:00:05.000Z","feedbackId":"f","bouncedRecipients":['
          f'{{"emailAddress":"nobody@example.org","action":"failed","status":"5.1.1","diagnosticCode":"{diag}"}}]}},'
          '"mail":{"timestamp":"2024-06-01T10:00:00.000Z","messageId":"m","source":"news@example.com",'
          '"destination":["nobody@example.org"]}}\n')


def sendgrid_records(path, size):
    row = ('{{"email":"user{i}@example.org","timestamp":1717236005,"event":"bounce","sg_event_id":"e{i}",'
           '"reason":"550 5.1.1 The email account does not exist","status":"5.1.1","type":"bounce"}},\n')
    body = fill(row, size - 200)
    write(path, "[\n" + body + '{"email":"last@example.org","timestamp":1717236005,"event":"delivered","sg_event_id":"last"}\n]\n')


def powermta_rows(path, size):
    header = "type,timeLogged,orig,rcpt,dsnAction,dsnStatus,dsnDiag,dsnMta,bounceCat\r\n"
    row = ('b,1717236005,bounces@example.com,user{i}@example.org,failed,5.1.1 (bad destination mailbox address),'
           '"smtp;550 5.1.1 <user{i}@example.org>: Recipient address rejected: User unknown",mx.example.org,bad-mailbox\r\n')
    write(path, header + fill(row, size - len(header)))


def powermta_long_diag(path, size):
    header = "type,timeLogged,orig,rcpt,dsnAction,dsnStatus,dsnDiag,dsnMta,bounceCat\r\n"
    diag = repeat_to("smtp;550 5.1.1 unknown user, try ", size - 300)
    write(path, header + f'b,1717236005,bounces@example.com,user@example.org,failed,5.1.1,"{diag}",mx.example.org,bad-mailbox\r\n')


def list_csv_rows(path, size):
    header = "Email Address,First Name,Last Name,NOTES\n"
    row = 'user{i}@example.org,Ana,Ruiz,"a note, with ""quotes"""\n'
    write(path, header + fill(row, size - len(header)))


def list_csv_long_field(path, size):
    header = "Email Address,First Name,Last Name,NOTES\n"
    # One line: past the reader's record limit (1 MiB) the field is rejected up to the end of
    # its first line, so a line break inside would turn the rest into rows of another kind.
    note = repeat_to('a long note, "" with quotes; ', size - 200)
    write(path, header + f'user@example.org,Ana,Ruiz,"{note}"\nother@example.org,Bo,Li,short\n')


def xml_long_text(path, size):
    text = repeat_to("a long name &amp; more ", size - 400)
    write(path, '<?xml version="1.0" encoding="utf-8"?>\n<Subscribers>\n'
          f"<Subscriber><EmailAddress>user@example.org</EmailAddress><Name>{text}</Name></Subscriber>\n"
          "<Subscriber><EmailAddress>other@example.org</EmailAddress><Name>Bo</Name></Subscriber>\n</Subscribers>\n")


def xml_long_attribute(path, size):
    value = repeat_to("a long attribute &amp; more ", size - 400)
    write(path, '<?xml version="1.0" encoding="utf-8"?>\n<Subscribers>\n'
          f'<Subscriber note="{value}"><EmailAddress>user@example.org</EmailAddress></Subscriber>\n'
          "<Subscriber><EmailAddress>other@example.org</EmailAddress></Subscriber>\n</Subscribers>\n")


def xml_rows(path, size):
    row = "<Subscriber><EmailAddress>user{i}@example.org</EmailAddress><Name>Ana Ruiz</Name></Subscriber>\n"
    write(path, '<?xml version="1.0" encoding="utf-8"?>\n<Subscribers>\n' + fill(row, size - 100) + "</Subscribers>\n")


def fill(row, size):
    """Rows formatted with i = 0, 1, … until about `size` characters."""
    out, total, i = [], 0, 0
    while total < size:
        r = row.format(i=i)
        out.append(r)
        total += len(r)
        i += 1
    return "".join(out)


def write(path, text):
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)


# ---- the cases: (reader, case, generator, file suffix, command) ---------------------------

def ingest(fmt):
    return lambda b, w, f: [b, "ingest", "--history", os.path.join(w, "h.sqlite"), "--format", fmt, "--quiet", f]


def clean(b, w, f):
    return [b, "clean", "--history", os.path.join(w, "empty.sqlite"), "--list", f, "--out", os.path.join(w, "out"),
            "--as-of", "2026-11-01T00:00:00Z", "--quiet"]


def classify(b, w, f):
    return [b, "classify", "--eml", f]


def inspect(b, w, f):
    return [b, "inspect-csv", "--quiet", f]


CASES = [
    ("bounce message", "long header line", eml_long_header, "eml", ingest("eml")),
    ("bounce message", "long header line (classify)", eml_long_header, "eml", classify),
    ("bounce message", "many short header lines", eml_many_lines, "eml", ingest("eml")),
    ("bounce message", "many recipients", eml_many_recipients, "eml", ingest("eml")),
    ("Postfix log", "many lines", postfix_lines, "log", ingest("postfix")),
    ("Postfix log", "one long line", postfix_long_line, "log", ingest("postfix")),
    ("canonical CSV", "many rows", canonical_csv_rows, "csv", ingest("csv")),
    ("canonical CSV", "huge quoted field", canonical_csv_quoted_field, "csv", ingest("csv")),
    ("canonical JSONL", "many rows", jsonl_rows, "jsonl", ingest("jsonl")),
    ("canonical JSONL", "long string", jsonl_long_string, "jsonl", ingest("jsonl")),
    ("SES JSON", "long diagnostic", ses_long_string, "json", ingest("ses")),
    ("SendGrid JSON", "many records", sendgrid_records, "json", ingest("sendgrid")),
    ("PowerMTA CSV", "many rows", powermta_rows, "csv", ingest("powermta")),
    ("PowerMTA CSV", "long dsnDiag", powermta_long_diag, "csv", ingest("powermta")),
    ("CSV list", "many rows", list_csv_rows, "csv", clean),
    ("CSV list", "huge quoted field", list_csv_long_field, "csv", clean),
    ("CSV (inspect-csv)", "huge quoted field", list_csv_long_field, "csv", inspect),
    ("XML list", "many records", xml_rows, "xml", clean),
    ("XML list", "long text", xml_long_text, "xml", clean),
    ("XML list", "long attribute", xml_long_attribute, "xml", clean),
]


def run_once(cmd, work):
    for leftover in ("h.sqlite", "h.sqlite-wal", "h.sqlite-shm"):
        p = os.path.join(work, leftover)
        if os.path.exists(p):
            os.remove(p)
    shutil.rmtree(os.path.join(work, "out"), ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU time (user + system, all threads): the machine is shared, and wall time there
    # measures the neighbours as much as listwash.
    elapsed = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    # 65: some records were rejected (a huge field past the record limit): the run still completed.
    if done.returncode not in (0, 65):
        raise RuntimeError(f"exit {done.returncode}: {' '.join(cmd)}\n{done.stderr[-2000:]}")
    return elapsed


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", default=".build/release/listwash")
    ap.add_argument("--work", default="bench-data/scaling")
    ap.add_argument("--sizes", default="1,4,16")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    binary = os.path.abspath(args.binary)
    if not os.access(binary, os.X_OK):
        print(f"bench-scaling: {binary} not found: build it with swift build -c release", file=sys.stderr)
        return 1
    work = os.path.abspath(args.work)
    os.makedirs(work, exist_ok=True)
    # An empty history for the clean cases.
    empty = os.path.join(work, "empty.sqlite")
    if not os.path.exists(empty):
        seed = os.path.join(work, "seed.csv")
        write(seed, "email,timestamp,event\nseed@example.org,2026-01-01T00:00:00Z,delivered\n")
        subprocess.run([binary, "ingest", "--history", empty, "--quiet", seed], check=True)

    print(f"== scaling: {binary}, median of {args.runs} runs, CPU seconds per MB (less the 16 KiB case's time) at "
          + " / ".join(f"{s} MB" for s in sizes))
    head = f"{'reader':<18} {'case':<28}" + "".join(f"{str(s) + ' MB':>9}" for s in sizes) + f"{'ratio':>8}"
    print(head)
    print("-" * len(head))
    flagged = failed = 0
    for reader, case, generate, suffix, command in CASES:
        if args.only and args.only.lower() not in (reader + " " + case).lower():
            continue
        per_mb = []
        try:
            # The same case at 16 KiB: start-up and fixed costs, taken off every size so that
            # the per-MB times compare the work that grows with the input.
            base_path = os.path.join(work, f"{generate.__name__}-base.{suffix}")
            if not os.path.exists(base_path):
                generate(base_path, 16 * 1024)
            base = statistics.median(run_once(command(binary, work, base_path), work) for _ in range(args.runs))
            for size in sizes:
                path = os.path.join(work, f"{generate.__name__}-{size}.{suffix}")
                if not os.path.exists(path):
                    generate(path, size * MB)
                megabytes = os.path.getsize(path) / MB
                times = [run_once(command(binary, work, path), work) for _ in range(args.runs)]
                per_mb.append(max(statistics.median(times) - base, 0.0) / megabytes)
        except RuntimeError as error:
            failed += 1
            print(f"{reader:<18} {case:<28} FAILED: {error}")
            continue
        ratio = per_mb[-1] / max(per_mb[0], RESOLUTION)
        flag = "  <-- superlinear" if ratio > FLAG_RATIO else ""
        flagged += ratio > FLAG_RATIO
        print(f"{reader:<18} {case:<28}" + "".join(f"{t:>9.3f}" for t in per_mb) + f"{ratio:>8.2f}{flag}", flush=True)
    print(f"== {flagged} case(s) above ratio {FLAG_RATIO:g}" + (f", {failed} failed" if failed else ""))
    return 1 if flagged or failed else 0


if __name__ == "__main__":
    sys.exit(main())
