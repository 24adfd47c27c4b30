import Foundation

/// A bounce/event export format that `listwash ingest` can read.
///
/// Detection walks ``detectionOrder`` (an explicit list, never a dictionary), so the more
/// specific signatures are tried first.
public enum EventFormat: String, Sendable, CaseIterable, Codable {
    /// Amazon SES notifications, raw or wrapped in an SNS envelope.
    case ses
    /// SendGrid Event Webhook batches.
    case sendgrid
    /// Mailgun Events API pages, webhooks, or JSON Lines of events.
    case mailgun
    /// Postmark bounce webhooks and Bounce API dumps.
    case postmark
    /// Postfix maillog delivery lines.
    case postfix
    /// PowerMTA accounting CSV (`type,timeLogged,…,rcpt,…,dsnStatus,dsnDiag,…,bounceCat,…`).
    case powermta
    /// Mailchimp audience exports of cleaned and unsubscribed members (CSV).
    case mailchimp
    /// SendGrid suppression lists (CSV: bounces, blocks, invalid emails, spam reports, unsubscribes).
    case sendgridSuppressions = "sendgrid-suppressions"
    /// Mailgun suppression lists (CSV: bounces, unsubscribes, complaints).
    case mailgunSuppressions = "mailgun-suppressions"
    /// Amazon SES account-level suppression list (`list-suppressed-destinations` JSON).
    case sesSuppressions = "ses-suppressions"
    /// Postmark suppression dumps (JSON).
    case postmarkSuppressions = "postmark-suppressions"

    /// The importer type that reads this format.
    public var importerType: any EventImporter.Type {
        switch self {
        case .ses: return SESImporter.self
        case .sendgrid: return SendGridImporter.self
        case .mailgun: return MailgunImporter.self
        case .postmark: return PostmarkImporter.self
        case .postfix: return PostfixImporter.self
        case .powermta: return PowerMTAImporter.self
        case .mailchimp: return MailchimpImporter.self
        case .sendgridSuppressions: return SendGridSuppressionImporter.self
        case .mailgunSuppressions: return MailgunSuppressionImporter.self
        case .sesSuppressions: return SESSuppressionImporter.self
        case .postmarkSuppressions: return PostmarkSuppressionImporter.self
        }
    }

    /// The order in which ``detect(prefix:fileName:)`` tries the formats: JSON formats with
    /// distinctive keys first (the suppression lists' before the event formats'), then CSV with a
    /// distinctive header, plain-text logs last.
    public static let detectionOrder: [EventFormat] = [
        .sesSuppressions, .postmarkSuppressions, .ses, .sendgrid, .mailgun, .postmark,
        .mailchimp, .sendgridSuppressions, .mailgunSuppressions, .powermta, .postfix,
    ]

    /// How many leading bytes of a file ``detect(prefix:fileName:)`` needs to decide.
    public static let sniffLength = 8192

    /// The first format in ``detectionOrder`` whose importer recognizes `prefix`, or nil.
    public static func detect(prefix: [UInt8], fileName: String) -> EventFormat? {
        detectionOrder.first { $0.importerType.sniff(prefix: prefix, fileName: fileName) }
    }

    /// A ready importer for this format.
    public func makeImporter(options: EventImportOptions = EventImportOptions()) -> any EventImporter {
        importerType.init(options: options)
    }
}

/// Settings that some importers need; the others ignore them.
public struct EventImportOptions: Sendable, Equatable {
    /// The year of the first syslog line of a log whose timestamps carry no year (`--year`).
    public var year: Int?
    /// The file's modification time (Unix seconds), used for the year when `year` is nil.
    public var fileModified: Int64?
    /// Seconds east of UTC of the local time that syslog timestamps without a zone are in.
    public var syslogUTCOffset: Int

    /// Options with no year, no modification time and syslog times read as UTC.
    public init(year: Int? = nil, fileModified: Int64? = nil, syslogUTCOffset: Int = 0) {
        self.year = year
        self.fileModified = fileModified
        self.syslogUTCOffset = syslogUTCOffset
    }
}

/// What one importer run produced, for the ingest report.
public struct EventImportSummary: Sendable, Equatable {
    /// Events handed to `emit`.
    public var events: Int = 0
    /// Records handed to `reject`.
    public var rejected: Int = 0
    /// Well-formed records of kinds that carry no evidence (opens, clicks, `processed`, …).
    public var skipped: Int = 0
    /// ``skipped`` by the record's kind as the format names it (`open`, `click`, `processed`);
    /// a kind that is not a short plain name is counted as `other`, so input text never
    /// reaches the report.
    public var skippedKinds: [String: Int] = [:]
    /// Assumptions the importer made that the report should state (no personal data).
    public var notes: [String] = []

    /// An empty summary.
    public init(events: Int = 0, rejected: Int = 0, skipped: Int = 0, notes: [String] = []) {
        self.events = events
        self.rejected = rejected
        self.skipped = skipped
        self.notes = notes
    }
}

/// Errors that stop an import of a whole file (bad records become ``Rejection``s instead).
public enum EventImportError: Error, Equatable, LocalizedError {
    /// Syslog timestamps carry no year, and neither `--year` nor the file's date is known.
    case yearUnknown(file: String, line: Int)

    /// The message for the user; never contains personal data.
    public var errorDescription: String? {
        switch self {
        case let .yearUnknown(file, line):
            return "\(file):\(line): syslog timestamps carry no year and the file's modification date is unknown; pass --year"
        }
    }
}

/// Reads one bounce/event export format into ``RawEvent``s and ``Rejection``s.
///
/// Importers report what the file says: the provider's verdict goes into
/// ``RawEvent/providerVerdict`` and the remote server's reply into the code and diagnostic
/// fields; whether a bounce is hard or soft is the classifier's decision, never the importer's.
public protocol EventImporter: Sendable {
    /// The format this importer reads.
    static var format: EventFormat { get }
    /// A cheap check on the first bytes of a file (at most ``EventFormat/sniffLength``) and its name.
    static func sniff(prefix: [UInt8], fileName: String) -> Bool
    /// An importer configured by `options`.
    init(options: EventImportOptions)
    /// Reads a whole file's bytes; malformed records go to `reject`, and nothing but a missing
    /// setting (see ``EventImportError``) stops the run.
    @discardableResult
    func read(bytes: [UInt8], file: String, emit: (RawEvent) -> Void, reject: (Rejection) -> Void) throws -> EventImportSummary
}

/// Counts what an importer hands on, so every importer reports the same way.
struct ImportSink {
    let file: String
    let emitHandler: (RawEvent) -> Void
    let rejectHandler: (Rejection) -> Void
    var summary = EventImportSummary()

    /// Runs `body` with a sink over the non-escaping handlers of ``EventImporter/read(bytes:file:emit:reject:)``.
    /// `summary` carries the counts of earlier runs over the same file (streaming readers).
    static func run(
        file: String, summary: EventImportSummary = EventImportSummary(),
        emit: (RawEvent) -> Void, reject: (Rejection) -> Void,
        _ body: (inout ImportSink) throws -> Void
    ) throws -> EventImportSummary {
        try withoutActuallyEscaping(emit) { emit in
            try withoutActuallyEscaping(reject) { reject in
                var sink = ImportSink(file: file, emitHandler: emit, rejectHandler: reject, summary: summary)
                try body(&sink)
                return sink.summary
            }
        }
    }

    mutating func emit(_ event: RawEvent) {
        summary.events += 1
        emitHandler(event)
    }

    mutating func reject(line: Int, reason: String, raw: String) {
        summary.rejected += 1
        rejectHandler(Rejection(file: file, line: line, reason: reason, raw: raw))
    }

    mutating func reject(line: Int, reason: String, raw: RawText) {
        reject(line: line, reason: reason, raw: raw.text)
    }

    /// Counts a well-formed record that carries no evidence, by its kind (see ``EventImportSummary/skippedKinds``).
    mutating func skip(_ kind: String) {
        summary.skipped += 1
        summary.skippedKinds[SkippedKind.name(kind), default: 0] += 1
    }

    mutating func note(_ text: String) {
        if !summary.notes.contains(text) { summary.notes.append(text) }
    }
}

/// The names under which skipped records are counted.
enum SkippedKind {
    /// `kind` when it is a short plain name (letters, digits, spaces and `_ - / . : ( )`, at most
    /// 64 bytes), else `other`: the name comes from the input, and only a format's own
    /// vocabulary belongs in a report.
    static func name(_ kind: String) -> String {
        let allowed = kind.utf8.allSatisfy { c in
            (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39)
                || c == 0x5F || c == 0x2D || c == 0x2F || c == 0x2E || c == 0x3A || c == 0x20 || c == 0x28 || c == 0x29
        }
        return allowed && !kind.isEmpty && kind.utf8.count <= 64 && !kind.contains("@") ? kind : "other"
    }
}
