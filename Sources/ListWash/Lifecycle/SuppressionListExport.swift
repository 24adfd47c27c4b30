import Foundation

/// `export-suppressions`: the addresses the policy removes as of a time, without a list, in a
/// form an ESP imports or a partner can match against.
///
/// The decisions come from the same pass over the history as `clean`'s
/// (``HistoryDecisions``), so an address is exported exactly when `clean` would remove it
/// from any list (an address that fails the syntax check is removed by `clean` as invalid
/// whatever its history, and is exported only when its history suppresses it).
public enum SuppressionListExport {
    /// The output formats.
    public enum Format: String, Sendable, CaseIterable {
        /// `address,rule,reason,since`, with a header; `since` is the time of the deciding event.
        case csv
        /// `Email Address`, one a line: Mailchimp's import (as unsubscribed or cleaned contacts).
        case mailchimp
        /// `email`, one a line: SendGrid's suppression upload.
        case sendgrid
        /// One `aws sesv2 put-suppressed-destination --cli-input-json` document a line:
        /// `{"EmailAddress":…,"Reason":"BOUNCE"|"COMPLAINT"}` (complaints and unsubscribes are `COMPLAINT`).
        case ses
        /// Lower-case hex SHA-256 of the normalised address (``AddressDigest``), one a line, sorted.
        case sha256
        /// Lower-case hex MD5 of the normalised address, one a line, sorted.
        case md5
        /// Lower-case hex HMAC-SHA-256 of the normalised address with a shared key, one a line, sorted.
        case hmacSHA256 = "hmac-sha256"

        /// The digest of the hashed formats.
        var digest: AddressDigest? {
            switch self {
            case .sha256: return .sha256
            case .md5: return .md5
            case .hmacSHA256: return .hmacSHA256
            case .csv, .mailchimp, .sendgrid, .ses: return nil
            }
        }
    }

    /// What to export.
    public struct Request: Sendable {
        public var historyPath: String
        public var policy: Policy
        public var asOf: Int64
        public var format: Format
        /// The HMAC key (`hmac-sha256` only).
        public var key: [UInt8]

        public init(historyPath: String, policy: Policy, asOf: Int64, format: Format, key: [UInt8] = []) {
            self.historyPath = historyPath
            self.policy = policy
            self.asOf = asOf
            self.format = format
            self.key = key
        }
    }

    /// What was exported.
    public struct Summary: Sendable, Equatable {
        /// Addresses written.
        public var addresses = 0
        /// Addresses by the rule that removes them.
        public var byRule: [SuppressionRule: Int] = [:]
        /// Events of the history as of the time.
        public var events = 0
        /// Forgotten addresses (`listwash forget`), which no format can carry: the history
        /// keeps only a keyed hash of each, which no partner could match. Left out.
        public var forgottenNotExported = 0
    }

    /// Errors of the export itself.
    public enum ExportError: Error, Equatable, CustomStringConvertible {
        /// `hmac-sha256` without a key, or a key given to another format.
        case keyMismatch(format: String)

        public var description: String {
            switch self {
            case .keyMismatch(let format):
                return format == Format.hmacSHA256.rawValue
                    ? "hmac-sha256 needs --key-file (a file holding the shared key)"
                    : "--key-file is for hmac-sha256 only, not \(format)"
            }
        }
    }

    /// Writes the export through `write` (the bytes of a whole number of lines at a time).
    /// - Complexity: one pass over the history's events as of the time; the hashed formats also
    ///   hold one digest per exported address, to sort them.
    public static func run(_ request: Request, write: ([UInt8]) throws -> Void) throws -> Summary {
        guard (request.format == .hmacSHA256) == !request.key.isEmpty else {
            throw ExportError.keyMismatch(format: request.format.rawValue)
        }
        return try HistoryStore.using(request.historyPath) { history in try run(request, history: history, write: write) }
    }

    private static func run(_ request: Request, history: HistoryStore, write: ([UInt8]) throws -> Void) throws -> Summary {
        var summary = Summary()
        var buffer: [UInt8] = []
        var digests: [String] = []
        switch request.format {
        case .csv: buffer += CSVText.line(["address", "rule", "reason", "since"])
        case .mailchimp: buffer += Array("Email Address\n".utf8)
        case .sendgrid: buffer += Array("email\n".utf8)
        case .ses, .sha256, .md5, .hmacSHA256: break
        }
        try history.reading {
            // Temporary files of the domain judgment go beside the history (the disk the user chose for large files).
            let folder = history.path.lastIndex(of: "/").map { String(history.path[..<$0]) } ?? "."
            let scan = try HistoryDecisions.scan(history, policy: request.policy, asOf: request.asOf,
                                                 directory: folder.isEmpty ? "/" : folder) { key, _, _, decision in
                guard let decision else { return }
                summary.addresses += 1
                summary.byRule[decision.rule, default: 0] += 1
                let address = String(decoding: key, as: UTF8.self)
                switch request.format {
                case .csv:
                    buffer += CSVText.line([address, decision.rule.rawValue, decision.reason, decision.lastSeen.map(Timestamp.format) ?? ""])
                case .mailchimp, .sendgrid:
                    buffer += CSVText.line([address])
                case .ses:
                    var json = JSONWriter()
                    json.beginObject()
                    json.string("EmailAddress", address)
                    json.string("Reason", decision.rule == .complaint || decision.rule == .unsubscribe ? "COMPLAINT" : "BOUNCE")
                    json.endObject()
                    buffer += json.takeLine()
                case .sha256, .md5, .hmacSHA256:
                    digests.append(request.format.digest!.hex(key, key: request.key))
                }
                if buffer.count >= 1 << 20 {
                    try write(buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            summary.events = scan.events
            summary.forgottenNotExported = try history.forgottenCount()
        }
        // Sorted, so that the order says nothing about the addresses.
        for digest in digests.sorted() {
            buffer += Array(digest.utf8)
            buffer.append(0x0A)
            if buffer.count >= 1 << 20 {
                try write(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        if !buffer.isEmpty { try write(buffer) }
        return summary
    }
}
