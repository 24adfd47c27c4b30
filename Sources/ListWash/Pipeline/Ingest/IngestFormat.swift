import Foundation

/// The formats `ingest` reads: the canonical CSV and JSON Lines, the providers' and MTAs'
/// exports (each read by its ``EventImporter``, see ``EventFormat``), and bounce messages in
/// their containers (``MailContainerFormat``). The names the user gives (`--format`) are the
/// parts' own.
public enum IngestFormat: Hashable, Sendable, CaseIterable {
    /// Canonical event CSV (`email,timestamp,event,smtp_code,enhanced_code,diagnostic`).
    case csv
    /// Canonical event JSON Lines (the same keys).
    case jsonl
    /// A provider's or an MTA's export, read by its importer.
    case provider(EventFormat)
    /// Bounce messages: one message, an mbox, or a maildir.
    case mail(MailContainerFormat)

    public static let allCases: [IngestFormat] =
        [.csv, .jsonl] + EventFormat.allCases.map(IngestFormat.provider) + MailContainerFormat.allCases.map(IngestFormat.mail)

    /// The format's name, as `--format` takes it and the summary prints it.
    public var name: String {
        switch self {
        case .csv: return "csv"
        case .jsonl: return "jsonl"
        case .provider(let format): return format.rawValue
        case .mail(let container): return container.rawValue
        }
    }

    /// The format named `name`, nil when there is none.
    public init?(name: String) {
        guard let format = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = format
    }

    /// Guesses the format of a file from its first bytes and name: provider formats first
    /// (they are recognised by their own field names), then the canonical ones. `prefix` is the
    /// decompressed start of a gzip file, whose name is read without its `.gz`.
    public static func detect(path fullPath: String, prefix: [UInt8]) -> IngestFormat? {
        let path = fullPath.lowercased().hasSuffix(".gz") ? String(fullPath.dropLast(3)) : fullPath
        if prefix.starts(with: Array("From ".utf8)) { return .mail(.mbox) }
        if let provider = EventFormat.detect(prefix: prefix, fileName: path) { return .provider(provider) }
        let lower = path.lowercased()
        if lower.hasSuffix(".eml") || looksLikeMessage(prefix) { return .mail(.eml) }
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") { return .jsonl }
        if lower.hasSuffix(".csv") || lower.hasSuffix(".tsv") { return .csv }
        let body = prefix.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(prefix.dropFirst(3)) : prefix
        guard let first = body.first(where: { !AddressRules.isBlank($0) }) else { return nil }
        if first == UInt8(ascii: "{") { return .jsonl }
        let text = String(decoding: body.prefix(200), as: UTF8.self).lowercased()
        if text.contains("email"), text.contains("timestamp") { return .csv }
        return nil
    }

    /// Whether the bytes start like an RFC 5322 message: a header field name, a colon, and
    /// one of the fields every bounce has among the first lines.
    static func looksLikeMessage(_ prefix: [UInt8]) -> Bool {
        let head = String(decoding: prefix.prefix(2048), as: UTF8.self)
        let lines = head.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r" }).prefix(40)
        guard let first = lines.first, let colon = first.firstIndex(of: ":"), colon != first.startIndex,
              first[..<colon].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else { return false }
        let names = Set(lines.compactMap { line -> String? in
            guard let c = line.firstIndex(of: ":") else { return nil }
            return line[..<c].lowercased()
        })
        return names.contains("from") && (names.contains("date") || names.contains("subject") || names.contains("received") || names.contains("return-path"))
    }
}
