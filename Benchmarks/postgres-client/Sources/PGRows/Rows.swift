#if canImport(Glibc)
import Glibc
#endif

/// One event as listwash's `COPY` sends it (PostgresSchema.copyColumns, the staging table's
/// columns: `occurred_at` as epoch seconds) and as a client gets it back, decoded into Swift values.
public struct Event: Sendable {
    public var addressKey: String
    public var idHigh: UInt64   // event_id, 16 bytes, big-endian: the first 8 …
    public var idLow: UInt64    // … and the last 8
    public var occurredAt: Int64
    public var address: String
    public var type: String
    public var reason: String
    public var kind: String?
    public var rule: String
    public var replyCode: Int16?
    public var enhancedCode: String?
    public var diagnostic: String
    public var providerVerdict: String?
    public var source: String
    public var messageID: String?
    public var messageHash: Int32

    public init(addressKey: String, idHigh: UInt64, idLow: UInt64, occurredAt: Int64, address: String, type: String,
                reason: String, kind: String?, rule: String, replyCode: Int16?, enhancedCode: String?, diagnostic: String,
                providerVerdict: String?, source: String, messageID: String?, messageHash: Int32) {
        self.addressKey = addressKey; self.idHigh = idHigh; self.idLow = idLow; self.occurredAt = occurredAt
        self.address = address; self.type = type; self.reason = reason; self.kind = kind; self.rule = rule
        self.replyCode = replyCode; self.enhancedCode = enhancedCode; self.diagnostic = diagnostic
        self.providerVerdict = providerVerdict; self.source = source; self.messageID = messageID
        self.messageHash = messageHash
    }
}

/// The benchmark's table: the columns and types of listwash's staging table (the `COPY` target).
public enum Table {
    public static let name = "bench_events"
    public static let columns = ["address_key", "event_id", "occurred_at", "address", "type", "reason", "kind", "rule",
                                 "reply_code", "enhanced_code", "diagnostic", "provider_verdict", "source", "message_id",
                                 "message_hash"]
    public static let drop = "DROP TABLE IF EXISTS bench_events"
    public static let create = """
        CREATE UNLOGGED TABLE bench_events (
            address_key text NOT NULL, event_id bytea NOT NULL, occurred_at bigint NOT NULL, address text NOT NULL,
            type text NOT NULL, reason text NOT NULL, kind text, rule text NOT NULL, reply_code smallint,
            enhanced_code text, diagnostic text NOT NULL, provider_verdict text, source text NOT NULL,
            message_id text, message_hash integer NOT NULL)
        """
    /// The copy both libraries run (libpq by this statement, postgres-nio builds the same one).
    public static let copyIn = "COPY \(name) (\(columns.joined(separator: ", "))) FROM STDIN"
    /// The read: every row in key order, as listwash's clean reads its snapshot. The sort is the
    /// server's and the same for both; a large work_mem keeps it in memory.
    public static let select = """
        SELECT \(columns.joined(separator: ", ")) FROM \(name)
        ORDER BY address_key COLLATE "C", occurred_at, event_id
        """
    public static let session = "SET work_mem = '1GB'"
}

// MARK: - The rows

/// N events shaped like listwash's: about three an address, scattered over the keys, a
/// diagnostic of about 60 bytes naming the address, short texts from small vocabularies.
public func makeEvents(_ count: Int) -> [Event] {
    let addresses = max(1, count / 3)
    let types = ["bounce", "bounce", "bounce", "complaint", "delivered", "deferred"]
    let reasons = ["user_unknown", "mailbox_full", "spam_block", "policy", "expired", "host_unknown"]
    let rules = ["rfc3463:5.1.1", "rfc3463:5.2.2", "sisimai:spamdetected", "sisimai:policyviolation", "rfc3463:4.4.7"]
    let enhanced = ["5.1.1", "5.2.2", "5.7.1", "5.7.0", "4.4.7"]
    let replies: [Int16] = [550, 552, 554, 554, 421]
    let texts = ["Recipient address rejected: User unknown", "Mailbox full", "Message rejected as spam",
                 "Policy violation", "Delivery time expired", "Host or domain name not found"]
    let sources = ["mta1.log", "mta2.log", "webhook:esp"]
    var events: [Event] = []
    events.reserveCapacity(count)
    for i in 0..<count {
        let a = Int((UInt64(i) &* 2_654_435_761) % UInt64(addresses))
        let h = splitmix(UInt64(i))
        let r = Int(h % 5)
        let domain = "example\(a % 997).com"
        let address = (a % 50 == 0 ? "User.\(a)" : "user\(a)") + "@" + domain
        let key = "user\(a)@" + domain
        // One diagnostic in a hundred holds a backslash and a tab, which COPY's text escapes.
        let detail = i % 100 == 0 ? "\\host\tsaid" : "host said"
        events.append(Event(
            addressKey: key,
            idHigh: h, idLow: splitmix(h ^ 0x5DEE_CE66),
            occurredAt: 1_700_000_000 + Int64((UInt64(i) &* 7919) % 7_776_000),
            address: address,
            type: types[i % types.count],
            reason: reasons[r],
            kind: r == 4 ? nil : (r < 2 ? "permanent" : "transient"),
            rule: rules[r],
            replyCode: i % 7 == 0 ? nil : replies[r],
            enhancedCode: i % 7 == 0 ? nil : enhanced[r],
            diagnostic: "\(replies[r]) \(enhanced[r]) <\(address)>: \(detail): \(texts[r])",
            providerVerdict: i % 11 == 0 ? "blocked" : nil,
            source: sources[i % sources.count],
            messageID: i % 3 == 0 ? nil : "<\(h % 1_000_000_007).\(i)@mail.example.net>",
            messageHash: Int32(truncatingIfNeeded: h >> 17)))
    }
    return events
}

@inline(__always)
func splitmix(_ seed: UInt64) -> UInt64 {
    var z = seed &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

// MARK: - COPY's text format, out

/// Appends one event as a row of `COPY`'s text format (the way listwash's PostgresSchema.writeRow
/// does: fields escaped byte by byte, bytea as `\\x` and hex, NULL as `\N`).
public func appendCopyRow(_ e: Event, to row: inout [UInt8]) {
    text(e.addressKey, &row); row.append(0x09)
    row.append(contentsOf: [0x5C, 0x5C, 0x78])
    hex(e.idHigh, &row); hex(e.idLow, &row); row.append(0x09)
    decimal(e.occurredAt, &row); row.append(0x09)
    text(e.address, &row); row.append(0x09)
    text(e.type, &row); row.append(0x09)
    text(e.reason, &row); row.append(0x09)
    text(e.kind, &row); row.append(0x09)
    text(e.rule, &row); row.append(0x09)
    if let code = e.replyCode { decimal(Int64(code), &row) } else { row.append(0x5C); row.append(0x4E) }
    row.append(0x09)
    text(e.enhancedCode, &row); row.append(0x09)
    text(e.diagnostic, &row); row.append(0x09)
    text(e.providerVerdict, &row); row.append(0x09)
    text(e.source, &row); row.append(0x09)
    text(e.messageID, &row); row.append(0x09)
    decimal(Int64(e.messageHash), &row)
    row.append(0x0A)
}

@inline(__always)
private func text(_ value: String?, _ row: inout [UInt8]) {
    guard var value else { row.append(0x5C); row.append(0x4E); return }
    value.withUTF8 { bytes in
        for b in bytes {
            switch b {
            case 0x5C: row.append(0x5C); row.append(0x5C)
            case 0x09: row.append(0x5C); row.append(0x74)
            case 0x0A: row.append(0x5C); row.append(0x6E)
            case 0x0D: row.append(0x5C); row.append(0x72)
            default: row.append(b)
            }
        }
    }
}

@inline(__always)
private func hex(_ value: UInt64, _ row: inout [UInt8]) {
    for shift in stride(from: 60, through: 0, by: -4) {
        let d = UInt8((value >> UInt64(shift)) & 15)
        row.append(d < 10 ? 0x30 + d : 0x57 + d)
    }
}

@inline(__always)
private func decimal(_ value: Int64, _ row: inout [UInt8]) {
    if value < 0 { row.append(0x2D) }
    var v = value.magnitude
    var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                 UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    var n = 0
    withUnsafeMutableBytes(of: &digits) { d in
        repeat { d[n] = 0x30 + UInt8(v % 10); v /= 10; n += 1 } while v > 0
        while n > 0 { n -= 1; row.append(d[n]) }
    }
}

// MARK: - COPY's text format, in

public enum RowError: Error, CustomStringConvertible {
    case malformed(String)
    public var description: String { switch self { case .malformed(let what): "malformed row: \(what)" } }
}

/// One row of `COPY … TO STDOUT` (text format, the columns of ``Table/columns``, ending in a
/// newline) decoded into an ``Event``.
public func decodeCopyRow(_ line: UnsafeRawBufferPointer) throws -> Event {
    var fields: (Range<Int>, Range<Int>, Range<Int>, Range<Int>, Range<Int>, Range<Int>, Range<Int>, Range<Int>,
                 Range<Int>, Range<Int>, Range<Int>, Range<Int>, Range<Int>, Range<Int>, Range<Int>) =
        (0..<0, 0..<0, 0..<0, 0..<0, 0..<0, 0..<0, 0..<0, 0..<0, 0..<0, 0..<0, 0..<0, 0..<0, 0..<0, 0..<0, 0..<0)
    var count = 0
    var start = 0
    try withUnsafeMutableBytes(of: &fields) { raw in
        let f = raw.bindMemory(to: Range<Int>.self)
        for i in 0..<line.count where line[i] == 0x09 || line[i] == 0x0A {
            guard count < 15 else { throw RowError.malformed("more than 15 fields") }
            f[count] = start..<i
            count += 1
            start = i + 1
        }
    }
    guard count == 15 else { throw RowError.malformed("\(count) fields") }
    let id = line[fields.1]
    guard id.count == 35, id[id.startIndex] == 0x5C, id[id.startIndex + 1] == 0x5C, id[id.startIndex + 2] == 0x78 else { throw RowError.malformed("event_id") }
    guard let ts = integer(line[fields.2]), let hash = integer(line[fields.14]) else { throw RowError.malformed("integer") }
    let reply = isNull(line[fields.8]) ? nil : integer(line[fields.8]).map { Int16(truncatingIfNeeded: $0) }
    return Event(
        addressKey: try required(line[fields.0]),
        idHigh: hexValue(line[(id.startIndex + 3)..<(id.startIndex + 19)]),
        idLow: hexValue(line[(id.startIndex + 19)..<id.endIndex]),
        occurredAt: ts,
        address: try required(line[fields.3]),
        type: try required(line[fields.4]),
        reason: try required(line[fields.5]),
        kind: string(line[fields.6]),
        rule: try required(line[fields.7]),
        replyCode: reply,
        enhancedCode: string(line[fields.9]),
        diagnostic: try required(line[fields.10]),
        providerVerdict: string(line[fields.11]),
        source: try required(line[fields.12]),
        messageID: string(line[fields.13]),
        messageHash: Int32(truncatingIfNeeded: hash))
}

@inline(__always)
private func isNull(_ field: Slice<UnsafeRawBufferPointer>) -> Bool {
    field.count == 2 && field[field.startIndex] == 0x5C && field[field.startIndex + 1] == 0x4E
}

@inline(__always)
private func required(_ field: Slice<UnsafeRawBufferPointer>) throws -> String {
    guard let s = string(field) else { throw RowError.malformed("NULL in a NOT NULL column") }
    return s
}

@inline(__always)
private func string(_ field: Slice<UnsafeRawBufferPointer>) -> String? {
    if isNull(field) { return nil }
    guard field.contains(0x5C) else { return String(decoding: field, as: UTF8.self) }
    var out: [UInt8] = []
    out.reserveCapacity(field.count)
    var i = field.startIndex
    while i < field.endIndex {
        let b = field[i]
        if b == 0x5C, i + 1 < field.endIndex {
            i += 1
            switch field[i] {
            case 0x74: out.append(0x09)
            case 0x6E: out.append(0x0A)
            case 0x72: out.append(0x0D)
            default: out.append(field[i])
            }
        } else {
            out.append(b)
        }
        i += 1
    }
    return String(decoding: out, as: UTF8.self)
}

@inline(__always)
private func integer(_ field: Slice<UnsafeRawBufferPointer>) -> Int64? {
    guard !field.isEmpty else { return nil }
    var i = field.startIndex
    let negative = field[i] == 0x2D
    if negative { i += 1 }
    var v: Int64 = 0
    while i < field.endIndex {
        let d = field[i] &- 0x30
        guard d < 10 else { return nil }
        v = v &* 10 &+ Int64(d)
        i += 1
    }
    return negative ? -v : v
}

@inline(__always)
private func hexValue(_ digits: Slice<UnsafeRawBufferPointer>) -> UInt64 {
    var v: UInt64 = 0
    for c in digits {
        let d: UInt8 = c <= 0x39 ? c &- 0x30 : (c | 0x20) &- 0x57
        v = v << 4 | UInt64(d & 15)
    }
    return v
}

// MARK: - What a read gives back

/// An order-sensitive digest of the rows a client decoded: both libraries must give the same.
public struct Digest: Equatable, Sendable, CustomStringConvertible {
    public private(set) var rows = 0
    public private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

    public init() {}

    @inline(__always)
    public mutating func add(_ e: Event) {
        var h = value
        @inline(__always) func mix(_ x: UInt64) { h = (h ^ x) &* 0x0000_0100_0000_01B3 }
        mix(e.idHigh); mix(e.idLow); mix(UInt64(bitPattern: e.occurredAt))
        mix(UInt64(e.addressKey.utf8.count) << 32 | UInt64(e.address.utf8.count))
        mix(UInt64(e.diagnostic.utf8.count) << 32 | UInt64(e.type.utf8.count + e.reason.utf8.count + e.rule.utf8.count + e.source.utf8.count))
        mix(UInt64(e.kind?.utf8.count ?? 99) << 48 | UInt64(e.enhancedCode?.utf8.count ?? 99) << 32
            | UInt64(e.providerVerdict?.utf8.count ?? 99) << 16 | UInt64(e.messageID?.utf8.count ?? 99))
        mix(UInt64(UInt16(bitPattern: e.replyCode ?? -1)) << 32 | UInt64(UInt32(bitPattern: e.messageHash)))
        mix(UInt64(e.addressKey.utf8.last ?? 0))
        value = h
        rows += 1
    }

    public var description: String { "\(rows) rows, digest \(String(value, radix: 16))" }
}

// MARK: - Timing

/// Wall seconds (monotonic clock), this process's CPU seconds (getrusage: user + system, all
/// threads, so postgres-nio's event-loop threads count too) and the CPU seconds of the server
/// process serving the connection (/proc/PID/stat), where the two protocols' costs differ too.
public struct Sample: Sendable {
    public var wall: Double
    public var cpu: Double
    public var server: Double
}

public struct Stopwatch {
    let wall: Double
    let cpu: Double
    let server: Double
    let pid: Int32

    public init(server pid: Int32 = 0) {
        self.pid = pid
        (wall, cpu) = Stopwatch.now()
        server = Stopwatch.serverCPU(pid)
    }

    public func elapsed() -> Sample {
        let (w, c) = Stopwatch.now()
        return Sample(wall: w - wall, cpu: c - cpu, server: Stopwatch.serverCPU(pid) - server)
    }

    static func now() -> (Double, Double) {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return (Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9, seconds(usage.ru_utime) + seconds(usage.ru_stime))
    }

    /// utime + stime of a process (fields 14 and 15 of /proc/PID/stat); 0 if unreadable.
    static func serverCPU(_ pid: Int32) -> Double {
        guard pid > 0, let file = fopen("/proc/\(pid)/stat", "r") else { return 0 }
        defer { fclose(file) }
        var bytes = [UInt8](repeating: 0, count: 4096)
        let n = fread(&bytes, 1, bytes.count, file)
        let text = String(decoding: bytes[..<n], as: UTF8.self)
        // The command name (field 2) is in parentheses and may hold spaces: count after the last ')'.
        guard let close = text.lastIndex(of: ")") else { return 0 }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}

/// The samples of a run: (library, step) → one sample a round.
public struct Results {
    public var samples: [String: [Sample]] = [:]
    public let rows: Int

    public init(rows: Int) { self.rows = rows }

    public mutating func add(_ library: String, _ step: String, _ sample: Sample) {
        samples["\(library)\t\(step)", default: []].append(sample)
        print("  " + pad(library, 18) + pad(step, 6) + lpad(fixed(sample.wall), 8) + " s wall" + lpad(fixed(sample.cpu), 8)
              + " s client CPU" + lpad(fixed(sample.server), 8) + " s server CPU"
              + lpad(String(Int((Double(rows) / sample.wall).rounded())), 10) + " rows/s")
    }

    public func median(_ library: String, _ step: String) -> Sample? {
        guard let list = samples["\(library)\t\(step)"], !list.isEmpty else { return nil }
        func med(_ xs: [Double]) -> Double {
            let s = xs.sorted()
            return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
        }
        return Sample(wall: med(list.map(\.wall)), cpu: med(list.map(\.cpu)), server: med(list.map(\.server)))
    }

    /// The medians, a line per step and library, and postgres-nio ÷ libpq per step.
    public func report(libraries: [String], steps: [String]) {
        let rounds = samples.values.map(\.count).min() ?? 0
        print("\nmedians of \(rounds) round\(rounds == 1 ? "" : "s"), \(rows) rows:")
        print(pad("step", 6) + pad("library", 26) + lpad("wall s", 9) + lpad("client CPU s", 14) + lpad("server CPU s", 14)
              + lpad("rows/s", 10))
        for step in steps {
            for library in libraries {
                guard let m = median(library, step) else { continue }
                print(pad(step, 6) + pad(library, 26) + lpad(fixed(m.wall), 9) + lpad(fixed(m.cpu), 14)
                      + lpad(fixed(m.server), 14) + lpad(String(Int((Double(rows) / m.wall).rounded())), 10))
            }
            // Each other library against the first (libpq).
            for library in libraries.dropFirst() {
                guard let a = median(libraries[0], step), let b = median(library, step) else { continue }
                print(pad(step, 6) + pad("\(library) ÷ \(libraries[0])", 26) + lpad(fixed(b.wall / a.wall) + "×", 9)
                      + lpad(fixed(b.cpu / a.cpu) + "×", 14) + lpad(fixed(b.server / a.server) + "×", 14)
                      + lpad(fixed(a.wall / b.wall) + "×", 10))
            }
        }
    }
}

func fixed(_ x: Double) -> String {
    let hundredths = Int((x * 100).rounded())
    let frac = hundredths % 100
    return "\(hundredths / 100)." + (frac < 10 ? "0" : "") + "\(frac)"
}
func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(1, n - s.count)) }
func lpad(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(1, n - s.count)) + s }

// MARK: - Arguments

public struct Options: Sendable {
    public var url = ""
    public var rows = 1_000_000
    public var rounds = 3

    /// `URL [--rows N] [--rounds R]`.
    public static func parse(_ arguments: [String], usage: String) -> Options {
        var options = Options()
        var i = 0
        func fail() -> Never {
            print(usage)
            exit(2)
        }
        while i < arguments.count {
            switch arguments[i] {
            case "--rows": i += 1; guard i < arguments.count, let n = Int(arguments[i]), n > 0 else { fail() }; options.rows = n
            case "--rounds": i += 1; guard i < arguments.count, let n = Int(arguments[i]), n > 0 else { fail() }; options.rounds = n
            case let a where a.hasPrefix("postgres://") || a.hasPrefix("postgresql://"): options.url = a
            default: fail()
            }
            i += 1
        }
        if options.url.isEmpty { fail() }
        return options
    }
}
