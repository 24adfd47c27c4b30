#!/usr/bin/env python3
"""listwash's benchmark data: a subscriber export and a bounce log (standard library only).

    python3 Benchmarks/gen_data.py --size 100k|S|L [--seed 7] --out DIR
    python3 Benchmarks/gen_data.py --subscribers 2000 --bounces 6000 --out DIR   # any size

    python3 Benchmarks/gen_data.py --day-only --out DIR     # only DIR/day.csv, for existing data

Writes DIR/subscribers.csv, DIR/bounces.csv and DIR/manifest.json, then DIR/day.csv and
DIR/day.json. The same arguments always give byte-identical files (seeded random.Random
streams, no clock, no hash order).

Shape (the shape of the clean-v1 benchmark data, see ../shared/bench/JOB.md):

subscribers.csv  email,first_name,last_name,country,signup_date,source,tags,notes
    RFC 4180 with LF record ends: fields quoted when needed, doubled quotes, line feeds
    inside notes, non-ASCII names (Latin, CJK, Cyrillic, Arabic, Devanagari) and a few
    non-ASCII (lower-case) local parts; a realistic domain mix (big mailbox providers, a
    Zipf tail of company domains, typo domains); ~1% duplicates of earlier rows differing
    in case and surrounding spaces; ~0.5% invalid addresses (no @, two @, no dot in the
    domain, empty local part, display-name form, blanks, "NA"); some addresses with
    surrounding spaces or upper case.

bounces.csv      email,timestamp,smtp_code,enhanced_code,diagnostic
    Bounce histories per address, each drawn from a profile: hard (5.1.1 user unknown,
    5.1.2 domain, 5.2.1 disabled, 5.1.3 syntax; sometimes after a few soft bounces),
    mailbox full (452 4.2.2 / 552 5.2.2), soft streaks of 4xx spread over days, soft
    bursts inside a few hours, greylisting (451 4.7.1 or "greylisted" in the text), rate
    limits (421 4.7.0, 4.7.28), sender-side rejections (550 5.7.26 DMARC, 554 5.7.1
    blocklists), message too large (552 5.3.4), too many recipients (452 4.5.3), a
    single random bounce, and a few soft streaks spanning exactly 72 hours. About 30% of
    the events are for addresses that are not in the list. Timestamps are
    YYYY-MM-DDTHH:MM:SSZ within 200 days before the as-of 2026-11-01T00:00:00Z. Rows are
    in no particular order (histories are shuffled together block by block).

day.csv          the same columns as bounces.csv: a day's new events for the incremental
    ingest benchmark, 1% of the log's event count (3,000 at 100k, 30,000 at S, 300,000 at
    L). Histories are drawn from the same profiles and the same on-list / off-list mix,
    squeezed into the last day before the as-of (2026-10-31T00:00:00Z to ...T23:59:59Z).
    The file is drawn from its own random stream and from the list as read back from
    subscribers.csv, so subscribers.csv, bounces.csv and manifest.json are byte-identical
    to those of a generator without it, and --day-only adds it to data generated before
    (day.json records what it was drawn from; manifest.json does not change).

Sizes: 100k = 100,000 subscribers + 300,000 events, S = 1M + 3M, L = 10M + 30M.
"""
import argparse
import bisect
import calendar
import json
import os
import random
import sys
import time

SIZES = {"100k": (100_000, 300_000), "S": (1_000_000, 3_000_000), "L": (10_000_000, 30_000_000)}
AS_OF = "2026-11-01T00:00:00Z"
WINDOW_DAYS = 200
ROWS_PER_WRITE = 20_000          # subscriber rows per write() call
HISTORIES_PER_BLOCK = 6_000      # bounce histories shuffled together per write() call
OFF_LIST_SHARE = 0.30            # share of bounce EVENTS whose address is not in the list
GENERATOR_VERSION = 1
DAY_SHARE = 100                  # day.csv holds 1/DAY_SHARE of the log's events
DAY_VERSION = 1                  # of day.csv and day.json (independent of GENERATOR_VERSION)

# ---------------------------------------------------------------------------------------
# Vocabulary. Names are (display, ascii transliteration for the local part).
# ---------------------------------------------------------------------------------------

GIVEN = """olivia liam emma noah ava elijah sophia lucas isabella mason mia ethan amelia logan
harper james evelyn aiden abigail jacob emily michael ella daniel scarlett henry grace jackson
chloe sebastian victoria alexander riley owen aria samuel lily matthew aurora joseph zoey
levi nora david hannah john layla wyatt penelope carter lillian julian addison luke eleanor
grayson natalie isaac luna jayden savannah theodore brooklyn gabriel leah anthony stella
dylan hazel leo ellie lincoln paisley jaxon audrey asher skylar christopher violet josiah
claire andrew bella thomas lucy joshua anna ezra samantha hudson caroline charles genesis
caleb aaliyah isaiah kennedy ryan kinsley nathan allison adrian maya christian sarah miles
madelyn eli adeline aaron alexa peter nina paul helen mark laura kevin linda brian susan
george karen edward betty ronald sandra kenneth donna steven carol timothy ruth jason sharon
jeffrey michelle gary deborah eric rebecca stephen kathleen larry amy justin shirley scott
angela brandon katherine benjamin christine gregory rachel frank janet raymond catherine
patrick maria dennis heather jerry diane tyler julie olivier camille louis manon hugo lea
arthur chloe jules ines lukas mila finn lena felix marie jonas sophie paul emilia leon
hanna matteo giulia lorenzo chiara marco francesca pablo lucia diego valeria mateo daniela
sven astrid lars freya pieter sanne daan fleur priya rahul aarav ananya vikram deepa arjun
kavya mohammed fatima omar aisha yusuf layla kwame ama kofi abena chidi ngozi tunde yetunde
wei mei jun hui hiroshi yuki kenji akiko minho jiyeon""".split()

GIVEN_INTL = [("José", "jose"), ("María", "maria"), ("Zoë", "zoe"), ("Noémie", "noemie"),
              ("Loïc", "loic"), ("Gaëlle", "gaelle"), ("Jérôme", "jerome"), ("Cécile", "cecile"),
              ("Jürgen", "jurgen"), ("Jörg", "jorg"), ("Käthe", "kathe"), ("Søren", "soren"),
              ("Åse", "ase"), ("Björk", "bjork"), ("Łucja", "lucja"), ("Paweł", "pawel"),
              ("Zsófia", "zsofia"), ("Ádám", "adam"), ("Ştefan", "stefan"), ("Çağrı", "cagri"),
              ("Nuño", "nuno"), ("Joaquín", "joaquin"), ("Tomás", "tomas"), ("Conceição", "conceicao"),
              ("Václav", "vaclav"), ("Dušan", "dusan"), ("Ólafur", "olafur"), ("Siobhán", "siobhan"),
              ("明", "ming"), ("丽", "li"), ("强", "qiang"), ("婷", "ting"), ("美咲", "misaki"),
              ("陽翔", "haruto"), ("지우", "jiwoo"), ("하준", "hajun"), ("Дмитрий", "dmitry"),
              ("Наталья", "natalya"), ("Αλέξανδρος", "alexandros"), ("Ελένη", "eleni"),
              ("فاطمة", "fatima"), ("राहुल", "rahul"), ("ธนา", "thana")]

FAMILY = """smith johnson brown jones miller davis wilson anderson taylor thomas moore jackson
martin lee thompson white harris clark lewis robinson walker young allen king wright scott
hill green adams baker nelson carter mitchell roberts turner phillips campbell parker evans
edwards collins stewart morris rogers reed cook morgan bell murphy bailey cooper richardson
cox howard ward peterson gray james watson brooks kelly sanders price bennett wood barnes
ross henderson coleman jenkins perry powell long patterson hughes flores washington butler
simmons foster bryant alexander russell griffin hayes myers ford hamilton graham sullivan
wallace woods cole west jordan owens reynolds fisher ellis harrison gibson mcdonald cruz
marshall ortiz gomez murray freeman wells webb simpson stevens tucker porter hunter hicks
crawford henry boyd mason morales kennedy warren dixon ramos reyes burns gordon shaw holmes
rice robertson hunt black daniels palmer mills nichols grant knight ferguson rose stone
hawkins dunn perkins hudson spencer gardner stephens payne pierce berry matthews arnold
wagner willis ray watkins olson carroll duncan snyder hart cunningham bradley lane andrews
ruiz harper fox riley armstrong carpenter weaver greene lawrence elliott chavez sims austin
peters kelley franklin lawson fields rivera garcia martinez rodriguez hernandez lopez
gonzalez perez sanchez ramirez torres nguyen tran pham le patel shah singh kumar sharma
gupta mehta iyer reddy khan ali hassan ahmed okafor mensah boateng adeyemi haddad nasser
sato suzuki takahashi tanaka watanabe yamamoto nakamura kim park choi jung kang chen wang
zhang liu yang huang zhao wu zhou rossi russo ferrari esposito bianchi romano colombo ricci
muller schmidt schneider fischer weber meyer wagner becker schulz hoffmann koch richter
klein wolf neumann schwarz braun zimmermann kruger hartmann lange dubois durand leroy moreau
simon laurent lefebvre michel garnier faure rousseau blanc guerin boyer jansen devries
bakker visser smit meijer bos mulder dekker vos peeters claes janssens maes jacobs nowak
kowalski wojcik kaminski lewandowski zielinski szymanski novak svoboda dvorak horvath nagy
kovacs popescu ionescu yilmaz kaya demir sahin celik ivanov petrov sidorov andersson
johansson karlsson nilsson eriksson larsen hansen nielsen jensen pedersen virtanen korhonen""".split()

FAMILY_INTL = [("Müller", "muller"), ("Schäfer", "schafer"), ("Groß", "gross"), ("Weiß", "weiss"),
               ("Jiménez", "jimenez"), ("Muñoz", "munoz"), ("Ibáñez", "ibanez"), ("Peña", "pena"),
               ("Lefèvre", "lefevre"), ("Bérénice-Roy", "bereniceroy"), ("Gonçalves", "goncalves"),
               ("Sørensen", "sorensen"), ("Åberg", "aberg"), ("Lindström", "lindstrom"),
               ("Wójcik", "wojcik"), ("Dąbrowski", "dabrowski"), ("Černý", "cerny"),
               ("Procházka", "prochazka"), ("Şahin", "sahin"), ("Doğan", "dogan"), ("Lê", "le"),
               ("Phạm", "pham"), ("Đặng", "dang"), ("王", "wang"), ("李", "li"), ("黄", "huang"),
               ("高橋", "takahashi"), ("渡辺", "watanabe"), ("박", "park"), ("최", "choi"),
               ("Кузнецов", "kuznetsov"), ("Попова", "popova"), ("Παπαδόπουλος", "papadopoulos"),
               ("O'Neill", "oneill"), ("D'Souza", "dsouza"), ("McAllister-Smyth", "mcallistersmyth"),
               ("de la Cruz", "delacruz"), ("van Dijk", "vandijk"), ("Nakamura, Jr.", "nakamura"),
               ("García \"Gaby\" Ruiz", "garciaruiz")]

# (domain, relative weight, family of reply texts)
PROVIDERS = [("gmail.com", 300, "gmail"), ("googlemail.com", 4, "gmail"), ("yahoo.com", 70, "yahoo"),
             ("yahoo.co.uk", 8, "yahoo"), ("yahoo.de", 4, "yahoo"), ("ymail.com", 3, "yahoo"),
             ("aol.com", 15, "yahoo"), ("hotmail.com", 60, "outlook"), ("outlook.com", 55, "outlook"),
             ("live.com", 12, "outlook"), ("msn.com", 5, "outlook"), ("hotmail.co.uk", 6, "outlook"),
             ("hotmail.fr", 5, "outlook"), ("outlook.de", 3, "outlook"), ("icloud.com", 40, "apple"),
             ("me.com", 6, "apple"), ("mac.com", 2, "apple"), ("gmx.de", 12, "generic"),
             ("web.de", 11, "generic"), ("gmx.net", 5, "generic"), ("t-online.de", 6, "generic"),
             ("orange.fr", 7, "generic"), ("free.fr", 5, "generic"), ("sfr.fr", 3, "generic"),
             ("libero.it", 5, "generic"), ("virgilio.it", 2, "generic"), ("comcast.net", 10, "generic"),
             ("verizon.net", 4, "generic"), ("att.net", 5, "generic"), ("cox.net", 2, "generic"),
             ("proton.me", 4, "generic"), ("protonmail.com", 3, "generic"), ("mail.ru", 6, "generic"),
             ("yandex.ru", 4, "generic"), ("qq.com", 8, "generic"), ("163.com", 5, "generic"),
             ("naver.com", 3, "generic"), ("daum.net", 1, "generic"), ("btinternet.com", 3, "generic"),
             ("sky.com", 2, "generic"), ("shaw.ca", 2, "generic"), ("rogers.com", 2, "generic"),
             ("bigpond.com", 2, "generic"), ("uol.com.br", 3, "generic"), ("terra.com.br", 1, "generic"),
             ("seznam.cz", 2, "generic"), ("wp.pl", 3, "generic"), ("o2.pl", 1, "generic"),
             ("zoho.com", 1, "generic"), ("fastmail.com", 1, "generic")]
PROVIDER_SHARE = 0.63       # of valid addresses; the rest are company domains (and typos)
TYPO_SHARE = 0.002
TYPOS = ["gmial.com", "gmal.com", "gamil.com", "gmail.co", "gmail.cm", "yaho.com", "yahooo.com",
         "hotmal.com", "hotmial.com", "outlok.com", "iclould.com", "comcat.net", "gnail.com"]
N_COMPANIES = 5000
SYLLABLES = """ka ri to mo na ve lo si da pe ru zo bi te la mi no fa ge hu xo ly qua tri bra
sto pla fen dor kal mar tel vin sor lin gra pix nov ber cor del fin gal hel jor kin lum""".split()
BIZWORDS = """systems labs works group digital media logic cloud data soft tech partners
capital studio design foods energy motors legal consulting logistics retail health bio
pharma analytics networks solutions ventures global consult travel realty""".split()
TLDS = [("com", 48), ("net", 6), ("io", 6), ("co", 4), ("org", 5), ("de", 7), ("fr", 4),
        ("co.uk", 5), ("com.br", 2), ("nl", 2), ("es", 2), ("it", 2), ("ca", 2), ("com.au", 2),
        ("se", 1), ("pl", 1), ("ch", 1), ("in", 1), ("co.jp", 1), ("biz", 1)]

COUNTRIES = [("US", 30), ("GB", 8), ("DE", 8), ("FR", 6), ("CA", 5), ("ES", 4), ("IT", 4),
             ("NL", 3), ("BR", 4), ("MX", 3), ("IN", 5), ("CN", 3), ("JP", 3), ("KR", 2),
             ("AU", 3), ("SE", 1), ("NO", 1), ("PL", 2), ("TR", 1), ("RU", 1), ("VN", 1),
             ("CZ", 1), ("BE", 1), ("CH", 1), ("IE", 1), ("PT", 1), ("NG", 1), ("ZA", 1), ("", 3)]
SOURCES = [("web_form", 30), ("checkout", 18), ("popup", 12), ("landing_page", 9),
           ("crm_import_2020", 6), ("api", 6), ("event", 4), ("referral", 4), ("webinar", 3),
           ("mobile_app", 7), ("\"fair, Berlin 2024\"", 1)]
TAGS = [("", 40), ("news", 17), ("\"news,vip\"", 6), ("vip", 4), ("b2b", 5), ("\"promo,weekly\"", 7),
        ("\"news,promo,weekly\"", 4), ("\"winback,churn-risk\"", 3), ("weekly", 6),
        ("\"b2b,webinar\"", 3), ("\"early-access, vip\"", 2), ("\"de,promo\"", 2), ("NA", 1)]

NOTE_FORMS = [
    "Customer said \"call me after 5pm\" on call #{n}",
    "Prefers the weekly digest\nSecond line: asked for {lang} content, ticket #{n}",
    "Met at {city} partner event; follow up #{n}",
    "Escalation #{n}:\n- said \"love the newsletter!\"\n- owner: {given}, {family}",
    "Bought annual plan #{n}",
    "Unsubscribed from promos, kept news (ticket {n})",
    "VIP — handled by {given} {family}",
    "Wants fewer emails, \"max 1/week\"",
    "Address typo fixed by support on {date}",
    "Imported from legacy CRM; original id {n}",
    "Prefers {lang}; do not call",
    "Note from {given}: \"moved to {city}\"\nconfirm new address, case {n}",
    "null",
    "Bounced once in {year}, re-confirmed",
    "Attended webinar on deliverability (#{n}), follow-up by {given}",
]
CITIES = ["Paris", "München", "São Paulo", "Zürich", "Kraków", "東京", "서울", "Málaga", "Reykjavík",
          "Austin, TX", "Lagos", "İstanbul", "Montréal", "Bengaluru"]
LANGS = ["German", "French", "español", "português", "日本語", "English", "Italian", "Polish"]

# ---------------------------------------------------------------------------------------
# Bounce replies: category -> family -> [(smtp_code, enhanced_code, text)]. Placeholders:
# {e} recipient, {d} its domain, {ip} sending IP, {id} a trace id. "*" = any family.
# ---------------------------------------------------------------------------------------

REPLIES = {
    "user_unknown": {
        "gmail": [("550", "5.1.1", "550-5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces. {id} - gsmtp")],
        "outlook": [("550", "5.1.1", "550 5.1.1 RESOLVER.ADR.RecipNotFound; not found [{id}.prod.outlook.com]"),
                    ("550", "5.1.10", "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient {e} not found by SMTP address lookup"),
                    ("550", "5.5.0", "550 5.5.0 Requested action not taken: mailbox unavailable")],
        "yahoo": [("554", "", "554 delivery error: dd This user doesn't have a {d} account ({e}) [0] - {id}"),
                  ("550", "5.1.1", "550 5.1.1 <{e}>: Recipient address rejected: User unknown")],
        "apple": [("550", "5.1.1", "550 5.1.1 <{e}>: user does not exist")],
        "*": [("550", "5.1.1", "550 5.1.1 <{e}>: Recipient address rejected: User unknown in virtual mailbox table"),
              ("550", "5.1.1", "550 5.1.1 <{e}>... User unknown"),
              ("550", "", "550 No such user - {e}"),
              ("550", "5.1.1", "550-5.1.1 <{e}>: mailbox does not exist\n550 5.1.1 please check the address"),
              ("550", "5.1.6", "550 5.1.6 Recipient has moved; <{e}> is no longer in service")],
    },
    "bad_domain": {"*": [("550", "5.1.2", "550 5.1.2 <{e}>: Recipient address rejected: Domain not found"),
                         ("550", "5.1.2", "550 5.1.2 Host or domain name not found. Name service error for name={d} type=MX")]},
    "disabled": {
        "gmail": [("550", "5.2.1", "550-5.2.1 The email account that you tried to reach is disabled. {id} - gsmtp")],
        "yahoo": [("554", "", "554 30 Sorry, your message to {e} cannot be delivered. This mailbox is disabled (554.30).")],
        "*": [("550", "5.2.1", "550 5.2.1 Mailbox disabled, not accepting messages"),
              ("550", "5.2.1", "550 5.2.1 <{e}>: account is inactive")],
    },
    "bad_syntax": {"*": [("553", "5.1.3", "553 5.1.3 <{e}>... Invalid recipient address syntax")]},
    "mailbox_full": {
        "gmail": [("452", "4.2.2", "452-4.2.2 The recipient's inbox is out of storage space. Please direct the recipient to their storage settings. {id} - gsmtp"),
                  ("552", "5.2.2", "552-5.2.2 The recipient's inbox is out of storage space and inactive. {id} - gsmtp")],
        "outlook": [("552", "5.2.2", "552 5.2.2 Mailbox full"),
                    ("452", "4.2.2", "452 4.2.2 The email account that you tried to reach is over quota")],
        "*": [("452", "4.2.2", "452 4.2.2 <{e}>: Recipient address rejected: Mailbox is full"),
              ("552", "5.2.2", "552 5.2.2 <{e}>... Mailbox full, quota exceeded"),
              ("452", "4.2.2", "4.2.2 Over quota"),
              ("552", "", "552 Requested mail action aborted: exceeded storage allocation")],
    },
    "temp_unavailable": {
        "gmail": [("450", "4.2.1", "450-4.2.1 The user you are trying to contact is receiving mail at a rate that prevents additional messages from being delivered. {id} - gsmtp")],
        "*": [("450", "4.2.1", "450 4.2.1 <{e}>: Recipient address rejected: mailbox temporarily unavailable"),
              ("450", "4.2.0", "450 4.2.0 Mailbox busy, try again later"),
              ("450", "", "450 Requested mail action not taken: mailbox unavailable")],
    },
    "local_error": {"*": [("451", "4.3.0", "451 4.3.0 Error: queue file write error"),
                          ("451", "4.3.2", "451 4.3.2 System not accepting network messages"),
                          ("451", "4.4.0", "451 4.4.0 Primary target IP address responded with: \"421 4.4.2 Connection dropped due to SocketError.\" Failover to an alternate host did not succeed."),
                          ("451", "4.3.5", "451 4.3.5 Server configuration problem, try again later")]},
    "timeout": {"*": [("450", "4.4.1", "450 4.4.1 Connection timed out while talking to mx.{d}"),
                      ("451", "4.4.7", "451 4.4.7 Message expired: delivery to <{e}> timed out, retries exhausted"),
                      ("447", "4.4.2", "447 4.4.2 Connection lost, bad connection, retry later")]},
    "greylisted": {"*": [("451", "4.7.1", "451 4.7.1 <{e}>: Recipient address rejected: Greylisted, please try again in 300 seconds"),
                         ("451", "4.7.1", "451 4.7.1 Please try again later ({id})"),
                         ("450", "4.2.0", "450 4.2.0 <{e}>: Recipient address rejected: greylisted for 5 minutes"),
                         ("451", "", "451 Temporary local problem - GREYLISTED, come back later")]},
    "rate_limited": {
        "gmail": [("421", "4.7.0", "421-4.7.0 [{ip}] Our system has detected an unusual rate of unsolicited mail originating from your IP address. {id} - gsmtp"),
                  ("451", "4.7.28", "451-4.7.28 [{ip}] Our system has detected an unusual rate of mail originating from your IP address. {id} - gsmtp")],
        "yahoo": [("421", "4.7.0", "421 4.7.0 [TSS04] Messages from {ip} temporarily deferred due to unexpected volume or user complaints")],
        "outlook": [("451", "4.7.28", "451 4.7.28 Too many messages from {ip}, try again later")],
        "*": [("421", "4.7.0", "421 4.7.0 Too many connections from {ip}, slow down"),
              ("421", "", "421 Too many concurrent SMTP connections; please try again later"),
              ("421", "4.3.2", "421 4.3.2 Service not available, closing transmission channel")],
    },
    "dmarc": {
        "gmail": [("550", "5.7.26", "550-5.7.26 Unauthenticated email from news.example.com is not accepted due to the domain's DMARC policy. {id} - gsmtp")],
        "*": [("550", "5.7.26", "550 5.7.26 This mail has been blocked because the sender is unauthenticated (SPF and DKIM failed)"),
              ("550", "5.7.1", "550 5.7.1 Email rejected per DMARC policy for news.example.com")],
    },
    "blocklist": {
        "gmail": [("550", "5.7.1", "550-5.7.1 [{ip}] Our system has detected that this message is likely unsolicited mail. {id} - gsmtp")],
        "outlook": [("550", "5.7.1", "550 5.7.1 Service unavailable, Client host [{ip}] blocked using Spamhaus. To request removal from this list see https://www.spamhaus.org/query/ip/{ip}")],
        "*": [("554", "5.7.1", "554 5.7.1 Service unavailable; Client host [{ip}] blocked using zen.spamhaus.org"),
              ("554", "5.7.1", "554 5.7.1 <{e}>: Relay access denied"),
              ("550", "5.7.1", "550 5.7.1 Message rejected as spam by content filter,\nreference {id}"),
              ("554", "5.7.1", "554 5.7.1 [BL21] Connections will not be accepted from {ip}, because the ip is listed")],
    },
    "too_large": {"gmail": [("552", "5.3.4", "552-5.3.4 Your message exceeded the size limits of this mail system. {id} - gsmtp")],
                  "*": [("552", "5.3.4", "552 5.3.4 Message size exceeds fixed maximum message size"),
                        ("552", "5.3.4", "552 5.3.4 Error: message file too big")]},
    "too_many_rcpt": {"gmail": [("452", "4.5.3", "452-4.5.3 Your message has too many recipients. {id} - gsmtp")],
                      "*": [("452", "4.5.3", "452 4.5.3 Error: too many recipients"),
                            ("452", "4.5.3", "452 4.5.3 Too many recipients in this message, try fewer")]},
    "no_code": {"*": [("", "", "Delivery failed: remote server did not answer"),
                      ("", "", "mailbox unavailable (no SMTP reply recorded)")]},
}

SOFT = [("temp_unavailable", 4), ("local_error", 3), ("timeout", 3), ("mailbox_full", 1)]
# profile: (name, weight, main categories, noise share, events (min, max), gap hours (min, max))
PROFILES = [
    ("hard", 18, [("user_unknown", 68), ("disabled", 18), ("bad_domain", 9), ("bad_syntax", 5)], 0.0, (1, 3), (12, 96)),
    ("mailbox_full", 8, [("mailbox_full", 1)], 0.1, (1, 6), (12, 72)),
    ("soft_streak", 16, SOFT, 0.15, (2, 10), (8, 48)),
    ("soft_burst", 5, SOFT, 0.1, (5, 8), (1, 10)),
    ("greylist", 6, [("greylisted", 5), ("temp_unavailable", 1)], 0.1, (2, 6), (0.1, 6)),
    ("rate_limit", 6, [("rate_limited", 1)], 0.1, (1, 5), (1, 24)),
    ("sender", 13, [("dmarc", 2), ("blocklist", 3)], 0.1, (1, 6), (2, 48)),
    ("too_large", 3, [("too_large", 1)], 0.0, (1, 2), (1, 72)),
    ("too_many_rcpt", 3, [("too_many_rcpt", 1)], 0.0, (1, 3), (1, 48)),
    ("single", 21, [("temp_unavailable", 4), ("local_error", 3), ("timeout", 3), ("mailbox_full", 2),
                    ("greylisted", 3), ("rate_limited", 3), ("user_unknown", 3), ("blocklist", 2),
                    ("dmarc", 1), ("too_large", 1), ("too_many_rcpt", 1), ("no_code", 1)], 0.0, (1, 1), (0, 0)),
    ("exact_72h", 0.5, [("temp_unavailable", 1), ("timeout", 1)], 0.0, (5, 6), (0, 0)),
]
NOISE = [("greylisted", 2), ("rate_limited", 2), ("local_error", 1), ("blocklist", 1)]
HARD_SOFT_PREFIX = 0.35     # hard histories that start with a few soft bounces


_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}


def ascii_lower(s):
    return s.translate(_ASCII_LOWER)


def list_from_file(path):
    """The list as Gen.subscribers() returns it (pool, invalid_keys, seen), read back from
    its subscribers.csv: the valid addresses' keys in order of first appearance, and the keys
    of invalid rows that still hold one @ (in row order, repeats kept)."""
    import csv
    pool, invalid_keys, seen = [], [], set()
    with open(path, encoding="utf-8", newline="") as f:
        rd = csv.reader(f)
        next(rd, None)
        for row in rd:
            e = row[0].strip(" \t\r\n") if row else ""
            at = e.find("@")
            if (at > 0 and e.find("@", at + 1) < 0 and "." in e[at + 1:] and " " not in e
                    and not e.startswith('"')):
                # valid rows only ever have ASCII letters upper-cased
                key = e.lower() if e.isascii() else ascii_lower(e)
                if key not in seen:         # later rows with the same key are the duplicates
                    seen.add(key)
                    pool.append(key)
            else:
                key = e.lower()
                if key.count("@") == 1 and not key.startswith('"'):
                    invalid_keys.append(key)
    return pool, invalid_keys, seen


def expand(pairs, size=2000):
    """A list where each value appears in proportion to its weight: pick with list[int(r*len)]."""
    total = sum(w for _, w in pairs)
    out = []
    for v, w in pairs:
        out.extend([v] * max(1, round(size * w / total)))
    return out


def csv_field(s):
    if '"' in s or "," in s or "\n" in s or "\r" in s:
        return '"' + s.replace('"', '""') + '"'
    return s


def ascii_upper(s):
    return "".join(chr(ord(c) - 32) if "a" <= c <= "z" else c for c in s)


class Gen:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        rng = self.rng
        self.r = rng.random
        self.as_of = calendar.timegm(time.strptime(AS_OF, "%Y-%m-%dT%H:%M:%SZ"))
        self.start = self.as_of - WINDOW_DAYS * 86400
        # timestamps: text per day + text per second of day
        self.day_text = [time.strftime("%Y-%m-%dT", time.gmtime(self.start + d * 86400))
                         for d in range(WINDOW_DAYS + 1)]
        self.sec_text = ["%02d:%02d:%02dZ" % (s // 3600, s // 60 % 60, s % 60) for s in range(86400)]
        # names: (display as CSV field, ascii local-part form, non-ASCII lower-case local-part form or None)
        names = []
        for g in GIVEN:
            names.append((g.capitalize(), g, None))
        given = names * 4  # ASCII names four times as likely as each international one
        for disp, asc in GIVEN_INTL:
            low = disp.lower()
            given.append((csv_field(disp), asc, low if low.isalpha() and not low.isascii() else None))
        family = [(csv_field(f.capitalize()), f, None) for f in FAMILY] * 4
        for disp, asc in FAMILY_INTL:
            low = disp.lower()
            family.append((csv_field(disp), asc, low if low.isalpha() and not low.isascii() else None))
        self.given, self.family = given, family
        # domains
        self.providers = [d for d, _, _ in PROVIDERS]
        pw = [w for _, w, _ in PROVIDERS]
        self.provider_cum = [sum(pw[:i + 1]) for i in range(len(pw))]
        self.family_of = {d: f for d, _, f in PROVIDERS}
        tlds = expand(TLDS)
        companies, seen = [], set(self.providers)
        while len(companies) < N_COMPANIES:
            k = rng.random()
            if k < 0.5:
                stem = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))
            elif k < 0.85:
                stem = rng.choice(SYLLABLES) + rng.choice(SYLLABLES) + rng.choice(BIZWORDS)
            else:
                stem = rng.choice(FAMILY) + "-" + rng.choice(BIZWORDS)
            d = stem + "." + rng.choice(tlds)
            if d not in seen:
                seen.add(d)
                companies.append(d)
        self.companies = companies
        cw = [1.0 / (i + 1) ** 0.85 for i in range(len(companies))]  # Zipf-like: a few big companies
        acc, cum = 0.0, []
        for w in cw:
            acc += w
            cum.append(acc)
        self.company_cum = cum
        # other columns (pre-quoted)
        self.countries = expand(COUNTRIES)
        self.sources = expand(SOURCES)
        self.tags = expand(TAGS)
        d0 = calendar.timegm((2012, 1, 1, 0, 0, 0))
        d1 = calendar.timegm((2026, 10, 31, 0, 0, 0))
        self.dates = [time.strftime("%Y-%m-%d", time.gmtime(t)) for t in range(d0, d1, 86400)]
        notes = []
        for _ in range(6000):
            g, f = rng.choice(GIVEN).capitalize(), rng.choice(FAMILY).capitalize()
            form = rng.choice(NOTE_FORMS)
            notes.append(csv_field(form.format(n=rng.randint(1000, 999999), given=g, family=f,
                                               city=rng.choice(CITIES), lang=rng.choice(LANGS),
                                               date=rng.choice(self.dates), year=rng.randint(2015, 2025))))
        self.notes = notes
        # bounce side
        self.trace_ids = ["%012x" % rng.getrandbits(48) for _ in range(4096)]
        self.ips = ["203.0.113.%d" % i for i in range(1, 80)] + ["198.51.100.%d" % i for i in range(1, 60)]
        self.profiles = expand([((n, cats, noise, nr, gr), w) for n, w, cats, noise, nr, gr in PROFILES], 4000)
        self.profile_cats = {n: expand(cats, 200) for n, _, cats, _, _, _ in PROFILES}
        self.noise = expand(NOISE, 200)
        self.soft = expand(SOFT, 200)
        # reply table flattened: (category, family) -> list of (code, enhanced, text, has_placeholder)
        self.replies = {}
        for cat, fams in REPLIES.items():
            for fam in ("gmail", "outlook", "yahoo", "apple", "generic"):
                lst = fams.get(fam, []) + fams["*"] if fam != "generic" else fams["*"]
                self.replies[(cat, fam)] = [(c, x, t, "{" in t) for c, x, t in lst]

    # ---- addresses ----------------------------------------------------------------------

    def domain(self):
        r = self.r()
        if r < PROVIDER_SHARE:
            return self.providers[bisect.bisect_left(self.provider_cum, self.r() * self.provider_cum[-1])]
        if r < PROVIDER_SHARE + TYPO_SHARE:
            return TYPOS[int(self.r() * len(TYPOS))]
        return self.companies[min(bisect.bisect_left(self.company_cum, self.r() * self.company_cum[-1]),
                                  N_COMPANIES - 1)]

    def local_part(self, g, f):
        """A lower-case local part for given name g and family name f (both name tuples)."""
        r = self.r()
        ga, fa = g[1], f[1]
        if r < 0.02 and (g[2] or f[2]):                    # non-ASCII local part (RFC 6531)
            return (g[2] or ga) + "." + (f[2] or fa)
        r2 = self.r()
        num = str(int(self.r() * 9999) + 1) if r2 < 0.6 else str(1950 + int(self.r() * 58))
        if r < 0.20:
            lp = ga + "." + fa
        elif r < 0.30:
            lp = ga + fa
        elif r < 0.40:
            lp = ga[0] + fa
        elif r < 0.60:
            lp = ga + "." + fa + num
        elif r < 0.72:
            lp = ga + num
        elif r < 0.78:
            lp = ga + "_" + fa
        elif r < 0.85:
            lp = ga[0] + "." + fa + num
        elif r < 0.90:
            lp = fa + "." + ga
        elif r < 0.95:
            lp = fa + ga[0] + num
        else:
            lp = ga + "." + fa[0]
        if self.r() < 0.03:
            lp += "+news" if self.r() < 0.6 else "+shop"
        return lp

    def invalid_email(self, lp, dom, g, f):
        """An address invalid by clean-v1's rules (and by any stricter rule), as the raw field."""
        k = int(self.r() * 11)
        if k == 0:
            return lp + dom                                 # no @
        if k == 1:
            return lp + "@@" + dom                          # two @
        if k == 2:
            return lp + "@mail@" + dom                      # two @
        if k == 3:
            return lp + "@" + dom.split(".")[0]             # no dot in the domain
        if k == 4:
            return "@" + dom                                # empty local part
        if k == 5:
            return lp + "@"                                 # empty domain
        if k == 6:
            return g[1] + " " + f[1] + "@" + dom            # space inside
        if k == 7:
            return csv_field('"%s, %s" <%s@%s>' % (f[1].capitalize(), g[1].capitalize(), lp, dom))
        if k == 8:
            return ""                                       # empty
        if k == 9:
            return ("NA", "n/a", "none", "-", "   ")[int(self.r() * 5)]
        return lp + "@" + dom + " (" + g[1] + ")"           # trailing comment with spaces

    # ---- subscribers --------------------------------------------------------------------

    def subscribers(self, n, path):
        r = self.r
        given, family = self.given, self.family
        ng, nf = len(given), len(family)
        countries, sources, tags, dates, notes = self.countries, self.sources, self.tags, self.dates, self.notes
        ncn, nso, nta, nda, nno = len(countries), len(sources), len(tags), len(dates), len(notes)
        seen = set()
        pool = []          # lower-case keys of the list's valid addresses (bounce histories draw from it)
        invalid_keys = []  # invalid keys that still contain one @ (a few bounces are for them)
        dup_src = []       # earlier raw addresses to duplicate
        st = {"rows": 0, "duplicates": 0, "invalid": 0, "non_ascii_local": 0, "spaces": 0, "upper_case": 0}
        with open(path + ".tmp", "w", encoding="utf-8", newline="\n") as out:
            out.write("email,first_name,last_name,country,signup_date,source,tags,notes\n")
            done = 0
            while done < n:
                k = min(ROWS_PER_WRITE, n - done)
                rows = []
                for _ in range(k):
                    g = given[int(r() * ng)]
                    f = family[int(r() * nf)]
                    x = r()
                    if x < 0.01 and dup_src:
                        e = dup_src[int(r() * len(dup_src))].strip(" ")
                        y = r()
                        if y < 0.45:
                            e = ascii_upper(e[:1]) + e[1:]
                        elif y < 0.75:
                            e = ascii_upper(e)
                        elif y < 0.9:
                            e = e.lower()
                        if r() < 0.3 or e == e.lower():
                            e = (" " + e) if r() < 0.5 else (e + " ")
                        st["duplicates"] += 1
                    else:
                        lp = self.local_part(g, f)
                        dom = self.domain()
                        if x < 0.015:
                            e = self.invalid_email(lp, dom, g, f)
                            st["invalid"] += 1
                            key = e.strip(" \t\r\n").lower()
                            if key.count("@") == 1 and not key.startswith('"'):
                                invalid_keys.append(key)
                        else:
                            e = lp + "@" + dom
                            while e in seen:   # natural collisions are redrawn: the only duplicates are injected
                                e = lp + str(int(r() * 99999)) + "@" + dom
                            seen.add(e)
                            pool.append(e)
                            if not e.isascii():
                                st["non_ascii_local"] += 1
                            if r() < 0.05:
                                dup_src.append(e)
                            y = r()
                            if y < 0.04:
                                e = ascii_upper(e[:1]) + e[1:] if r() < 0.7 else ascii_upper(e)
                                st["upper_case"] += 1
                            elif y < 0.05:
                                e = (" " + e) if r() < 0.5 else (e + "  ")
                                st["spaces"] += 1
                    rows.append(f"{e},{g[0]},{f[0]},{countries[int(r() * ncn)]},{dates[int(r() * nda)]},"
                                f"{sources[int(r() * nso)]},{tags[int(r() * nta)]},"
                                f"{notes[int(r() * nno)] if r() < 0.55 else ''}\n")
                out.write("".join(rows))
                done += k
        os.replace(path + ".tmp", path)
        st["rows"] = n
        return pool, invalid_keys, seen, st

    # ---- bounces ------------------------------------------------------------------------

    def history_rows(self, r, key, dom, fam, seq, offs, t0, n, rows):
        """Appends one history's first n events to rows as the log writes them: the address
        as shown (first letter or all upper case, a leading space), one reply per event."""
        replies, ids, ips = self.replies, self.trace_ids, self.ips
        nid, nip = len(ids), len(ips)
        day_text, sec_text = self.day_text, self.sec_text
        y = r()
        if y < 0.04:
            shown = ascii_upper(key[:1]) + key[1:]
        elif y < 0.05:
            shown = ascii_upper(key)
        elif y < 0.06:
            shown = " " + key
        else:
            shown = key
        if '"' in shown or "," in shown:
            shown = csv_field(shown)
        for i in range(n):
            lst = replies[(seq[i], fam)]
            code, enh, text, fmt = lst[int(r() * len(lst))]
            if fmt:
                text = text.format(e=key, d=dom, id=ids[int(r() * nid)], ip=ips[int(r() * nip)])
            if '"' in text or "," in text or "\n" in text:
                text = '"' + text.replace('"', '""') + '"'
            ts = t0 + offs[i] - self.start
            rows.append(f"{shown},{day_text[ts // 86400]}{sec_text[ts % 86400]},{code},{enh},{text}\n")

    def bounces(self, m, path, pool, invalid_keys, seen):
        r = self.r
        rng = self.rng
        profiles, nprof = self.profiles, len(self.profiles)
        cats_of, noise, soft = self.profile_cats, self.noise, self.soft
        family_of = self.family_of
        span_max = WINDOW_DAYS * 86400 - 1
        given, family = self.given, self.family
        ng, nf = len(given), len(family)
        npool, ninv = len(pool), len(invalid_keys)
        # one history holds ~3.3 events on average; choose on/off list per history so that
        # OFF_LIST_SHARE of the events are off-list (all profiles are drawn the same way)
        st = {"events": 0, "events_on_list": 0, "histories": 0, "histories_on_list": 0,
              "profiles": {p[0]: 0 for p in PROFILES}}
        written = 0
        with open(path + ".tmp", "w", encoding="utf-8", newline="\n") as out:
            out.write("email,timestamp,smtp_code,enhanced_code,diagnostic\n")
            while written < m:
                rows = []
                for _ in range(HISTORIES_PER_BLOCK):
                    if written >= m:
                        break
                    name, _, noise_share, (nmin, nmax), (gmin, gmax) = profiles[int(r() * nprof)]
                    cats = cats_of[name]
                    ncat = len(cats)
                    on_list = npool and r() >= OFF_LIST_SHARE
                    if on_list:
                        if ninv and r() < 0.003:
                            key = invalid_keys[int(r() * ninv)]
                        else:
                            key = pool[int(r() * npool)]
                    else:
                        g, f = given[int(r() * ng)], family[int(r() * nf)]
                        lp, dom = self.local_part(g, f), self.domain()
                        key = lp + "@" + dom
                        while key in seen:      # an address that is not in the list
                            key = lp + str(int(r() * 999)) + "@" + dom
                    at = key.rfind("@")
                    dom = key[at + 1:] if at >= 0 else ""
                    fam = family_of.get(dom, "generic")
                    n = nmin + int(r() * (nmax - nmin + 1))
                    # event times: gaps in hours, then a start that keeps the history in the window
                    if name == "exact_72h":
                        offs = [0] + sorted(int(r() * 259199) + 1 for _ in range(n - 2)) + [259200]
                    else:
                        offs = [0]
                        t = 0
                        for _ in range(n - 1):
                            t += int((gmin + r() * (gmax - gmin)) * 3600)
                            offs.append(t)
                    span = offs[-1]
                    if span > span_max:
                        offs = [o * span_max // span for o in offs]
                        span = span_max
                    t0 = self.start + 1 + int(r() * (span_max - span))
                    # categories: hard histories may open with soft bounces
                    seq = []
                    if name == "hard":
                        pre = int(r() * 3) if r() < HARD_SOFT_PREFIX else 0
                        seq = [soft[int(r() * len(soft))] for _ in range(pre)]
                        n += pre
                        offs = [o + pre * 86400 for o in offs]
                        offs = [i * 86400 // 2 for i in range(pre)] + offs
                        if t0 + offs[-1] >= self.as_of:
                            t0 = self.as_of - 1 - offs[-1]
                        seq += [cats[int(r() * ncat)] for _ in range(n - pre)]
                    else:
                        for _ in range(n):
                            seq.append(noise[int(r() * len(noise))] if r() < noise_share else cats[int(r() * ncat)])
                    if written + n > m:         # the last history is cut to the exact size
                        n = m - written
                    self.history_rows(r, key, dom, fam, seq, offs, t0, n, rows)
                    st["profiles"][name] += 1
                    st["histories"] += 1
                    if on_list:
                        st["histories_on_list"] += 1
                        st["events_on_list"] += n
                    written += n
                rng.shuffle(rows)
                out.write("".join(rows))
        os.replace(path + ".tmp", path)
        st["events"] = m
        return st


    # ---- a day of new events ------------------------------------------------------------

    def day(self, k, path, pool, invalid_keys, seen, seed):
        """k new events in the last day before the as-of, for the list (pool, invalid_keys,
        seen) as list_from_file() reads it. Uses its own random stream: the main stream (and
        so subscribers.csv and bounces.csv) is not touched."""
        rng = random.Random(f"listwash day.csv {seed}")
        saved = self.r
        self.r = r = rng.random                 # domain() and local_part() draw from self.r
        try:
            return self._day(k, path, pool, invalid_keys, seen, rng, r)
        finally:
            self.r = saved

    def _day(self, m, path, pool, invalid_keys, seen, rng, r):
        profiles, nprof = self.profiles, len(self.profiles)
        cats_of, noise, soft = self.profile_cats, self.noise, self.soft
        family_of = self.family_of
        day_start = self.as_of - 86400          # events from here to as_of - 1
        span_max = 86400 - 1
        given, family = self.given, self.family
        ng, nf = len(given), len(family)
        npool, ninv = len(pool), len(invalid_keys)
        st = {"events": 0, "events_on_list": 0, "histories": 0, "histories_on_list": 0,
              "profiles": {p[0]: 0 for p in PROFILES}}
        rows = []
        written = 0
        while written < m:
            name, _, noise_share, (nmin, nmax), (gmin, gmax) = profiles[int(r() * nprof)]
            cats = cats_of[name]
            ncat = len(cats)
            on_list = npool and r() >= OFF_LIST_SHARE
            if on_list:
                if ninv and r() < 0.003:
                    key = invalid_keys[int(r() * ninv)]
                else:
                    key = pool[int(r() * npool)]
            else:
                g, f = given[int(r() * ng)], family[int(r() * nf)]
                lp, dom = self.local_part(g, f), self.domain()
                key = lp + "@" + dom
                while key in seen:              # an address that is not in the list
                    key = lp + str(int(r() * 999)) + "@" + dom
            at = key.rfind("@")
            dom = key[at + 1:] if at >= 0 else ""
            fam = family_of.get(dom, "generic")
            n = nmin + int(r() * (nmax - nmin + 1))
            # categories: hard histories may open with soft bounces (half a day apart)
            pre = 0
            if name == "hard":
                pre = int(r() * 3) if r() < HARD_SOFT_PREFIX else 0
                seq = [soft[int(r() * len(soft))] for _ in range(pre)]
                seq += [cats[int(r() * ncat)] for _ in range(n)]
                n += pre
            else:
                seq = [noise[int(r() * len(noise))] if r() < noise_share else cats[int(r() * ncat)]
                       for _ in range(n)]
            # event times as in bounces(), then squeezed into the day when longer than it
            if name == "exact_72h":
                offs = [0] + sorted(int(r() * 259199) + 1 for _ in range(n - 2)) + [259200]
            else:
                offs = [i * 43200 for i in range(pre)]
                t = pre * 86400
                offs.append(t)
                for _ in range(n - pre - 1):
                    t += int((gmin + r() * (gmax - gmin)) * 3600)
                    offs.append(t)
            span = offs[-1]
            if span > span_max:
                offs = [o * span_max // span for o in offs]
                span = span_max
            t0 = day_start + int(r() * (span_max - span + 1))
            if written + n > m:                 # the last history is cut to the exact size
                n = m - written
            self.history_rows(r, key, dom, fam, seq, offs, t0, n, rows)
            st["profiles"][name] += 1
            st["histories"] += 1
            if on_list:
                st["histories_on_list"] += 1
                st["events_on_list"] += n
            written += n
        rng.shuffle(rows)
        with open(path + ".tmp", "w", encoding="utf-8", newline="\n") as out:
            out.write("email,timestamp,smtp_code,enhanced_code,diagnostic\n")
            out.write("".join(rows))
        os.replace(path + ".tmp", path)
        st["events"] = m
        return st


def write_json(path, obj):
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=2, sort_keys=True)
        f.write("\n")
    os.replace(path + ".tmp", path)


def write_day(out_dir, g, seed, size, bounces):
    """DIR/day.csv from DIR/subscribers.csv, then DIR/day.json (written last: it marks a
    complete day file). g is a Gen of the same seed (only its tables are used)."""
    day_json = os.path.join(out_dir, "day.json")
    if os.path.exists(day_json):
        os.remove(day_json)
    t = time.monotonic()
    subs_path = os.path.join(out_dir, "subscribers.csv")
    pool, invalid_keys, seen = list_from_file(subs_path)
    k = max(1, bounces // DAY_SHARE) if bounces else 0
    day_path = os.path.join(out_dir, "day.csv")
    dst = g.day(k, day_path, pool, invalid_keys, seen, seed)
    print(f"day.csv: {k:,} events in {time.monotonic() - t:.1f} s", file=sys.stderr)
    write_json(day_json, {
        "generator": "listwash Benchmarks/gen_data.py", "day_version": DAY_VERSION,
        "size": size, "seed": seed, "log_events": bounces, "events": k, "as_of": AS_OF,
        "window": [time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(g.as_of - 86400)),
                   time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(g.as_of - 1))],
        "files": {"day.csv": os.path.getsize(day_path)},
        "drawn_from": {"subscribers.csv": os.path.getsize(subs_path), "list_addresses": len(pool)},
        "day_stats": dst,
    })


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", choices=sorted(SIZES), default="100k")
    ap.add_argument("--subscribers", type=int, help="override the size's subscriber count")
    ap.add_argument("--bounces", type=int, help="override the size's bounce event count")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", required=True)
    ap.add_argument("--day-only", action="store_true",
                    help="only write day.csv and day.json, for the data already in --out "
                         "(size, seed and event count are read from its manifest.json)")
    a = ap.parse_args(argv)
    if a.day_only:
        try:
            with open(os.path.join(a.out, "manifest.json"), encoding="utf-8") as f:
                man = json.load(f)
        except (OSError, ValueError) as e:
            ap.error(f"--day-only needs the data's manifest.json in {a.out}: {e}")
        if man.get("version") != GENERATOR_VERSION:
            ap.error(f"{a.out} was made by generator version {man.get('version')}, not {GENERATOR_VERSION}")
        write_day(a.out, Gen(man["seed"]), man["seed"], man["size"], man["bounces"])
        return 0
    n, m = SIZES[a.size]
    if a.subscribers is not None:
        n = a.subscribers
    if a.bounces is not None:
        m = a.bounces
    if n < 1 or m < 0:
        ap.error("--subscribers must be >= 1 and --bounces >= 0")
    os.makedirs(a.out, exist_ok=True)
    manifest_path = os.path.join(a.out, "manifest.json")
    for old in (manifest_path, os.path.join(a.out, "day.json")):
        if os.path.exists(old):
            os.remove(old)              # the manifests are written last: they mark complete files
    t = time.monotonic()
    g = Gen(a.seed)
    subs_path = os.path.join(a.out, "subscribers.csv")
    pool, invalid_keys, seen, sst = g.subscribers(n, subs_path)
    t1 = time.monotonic()
    print(f"subscribers.csv: {n:,} rows in {t1 - t:.1f} s", file=sys.stderr)
    bounces_path = os.path.join(a.out, "bounces.csv")
    bst = g.bounces(m, bounces_path, pool, invalid_keys, seen)
    t2 = time.monotonic()
    print(f"bounces.csv: {m:,} events in {t2 - t1:.1f} s", file=sys.stderr)
    manifest = {
        "generator": "listwash Benchmarks/gen_data.py", "version": GENERATOR_VERSION,
        "size": a.size if a.subscribers is None and a.bounces is None else "custom",
        "seed": a.seed, "subscribers": n, "bounces": m, "as_of": AS_OF,
        "files": {"subscribers.csv": os.path.getsize(subs_path), "bounces.csv": os.path.getsize(bounces_path)},
        "subscriber_stats": sst, "bounce_stats": bst,
    }
    write_json(manifest_path, manifest)
    del pool, invalid_keys, seen
    write_day(a.out, Gen(a.seed), a.seed, manifest["size"], m)
    return 0


if __name__ == "__main__":
    sys.exit(main())
