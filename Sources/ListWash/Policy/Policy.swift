import Foundation

/// The list-hygiene policy: which evidence removes an address. Every number is configurable
/// in a JSON policy file; keys left out keep the defaults below (industry practice).
public struct Policy: Codable, Equatable, Sendable {
    /// The policy file format version this build reads and writes.
    public static let currentVersion = 1

    public var version: Int = Policy.currentVersion
    /// A hard bounce (the address does not exist) suppresses at once.
    public var hardBounce = HardBounce()
    /// Consecutive soft bounces (no delivery in between) escalate to suppression.
    public var softBounce = SoftBounce()
    /// Repeated mailbox-full bounces suppress on their own, below the soft threshold.
    public var mailboxFull = MailboxFull()
    /// Soft and mailbox-full evidence older than this many days before the as-of time does not count.
    public var staleAfterDays: Int = 180
    /// A spam complaint suppresses at once.
    public var complaintSuppresses = true
    /// An unsubscribe suppresses at once.
    public var unsubscribeSuppresses = true
    /// How addresses are matched and checked.
    public var address = Address()
    /// Extra classification rules, tried in order before the built-in table.
    public var rules: [ClassifierRule] = []
    /// How bounces are classified (at ingest).
    public var classification = Classification()
    /// How domain-level failures (no such domain, DNS errors, timeouts) are judged: once per
    /// receiving domain (see ``DomainJudge``).
    public var domains = Domains()
    /// The blast-radius guard: how much of a list one `clean` may remove (see ``Guard``).
    public var `guard` = Guard()

    public struct HardBounce: Codable, Equatable, Sendable {
        public var suppress = true
        /// A delivery after the last hard bounce clears it (the mailbox exists again).
        public var deliveryClears = false
        public init() {}
    }

    public struct SoftBounce: Codable, Equatable, Sendable {
        public var threshold = 5
        /// The first and last counted bounce must be at least this far apart.
        public var minSpanHours: Double = 72
        /// A soft-bounce escalation stops removing the address once its deciding (last
        /// counted) bounce is more than this many days older than the as-of time, and the
        /// count starts again from zero (null: never; see ``PolicyEngine``).
        public var expireAfterDays: Int? = nil
        public init() {}

        enum CodingKeys: String, CodingKey { case threshold, minSpanHours, expireAfterDays }
    }

    public struct MailboxFull: Codable, Equatable, Sendable {
        public var threshold = 3
        /// Whether mailbox-full bounces also count towards the soft-bounce escalation.
        public var countsAsSoft = true
        /// As ``SoftBounce/expireAfterDays``, for the mailbox-full rule (null: never).
        public var expireAfterDays: Int? = nil
        public init() {}

        enum CodingKeys: String, CodingKey { case threshold, countsAsSoft, expireAfterDays }
    }

    public struct Classification: Codable, Equatable, Sendable {
        /// Look for reply and status codes in the diagnostic text when the event's fields lack them.
        public var codesFromText = true
        /// Let the built-in tables decide what no rule in `rules` matched; when off, such a
        /// bounce is `undefined` of kind `ignore` (for code-only reference jobs such as clean-v1).
        public var builtInRules = true
        public init() {}
    }

    public struct Domains: Codable, Equatable, Sendable {
        /// Judge domain-level failures per domain; off, each counts as classified.
        public var judge = true
        /// A failure within this many days of a sign of life of its domain is an outage
        /// (null: the stale window, ``Policy/staleAfterDays``).
        public var aliveWithinDays: Int? = nil
        /// Many addresses of one domain failing with one reason within this many minutes...
        public var outageWindowMinutes = 60
        /// ...at least this many distinct addresses, is an outage.
        public var outageMinAddresses = 5
        /// A burst of does-not-exist failures makes a domain dead only once a failure at least
        /// this many hours after the first confirms it.
        public var deadConfirmHours = 24
        public init() {}

        enum CodingKeys: String, CodingKey {
            case judge, aliveWithinDays, outageWindowMinutes, outageMinAddresses, deadConfirmHours
        }
    }

    public struct Address: Codable, Equatable, Sendable {
        public var localPartCaseSensitive = false
        public var syntax: AddressSyntax = .strict
        /// What a list row whose address field is empty or blank is: a malformed row for
        /// `rejects.csv` (`reject`, the default), or an invalid address to suppress
        /// (`invalid`, as the clean-v1 reference job counts it).
        public var blank: BlankAddress = .reject
        public init() {}
    }

    /// See ``Address/blank``.
    public enum BlankAddress: String, Codable, Equatable, Sendable, CaseIterable {
        case reject
        case invalid
    }

    public init() {}

    /// The address rules this policy asks for.
    public var addressRules: AddressRules {
        AddressRules(localPartCaseSensitive: address.localPartCaseSensitive, syntax: address.syntax)
    }

    /// The defaults merged with a JSON policy file. Unknown keys are errors (a misspelt key
    /// must not silently leave a default in force).
    public static func load(path: String?) throws -> Policy {
        guard let path else { return Policy() }
        let data: Data
        do {
            data = Data(try FileByteSource.readAll(path: path))
        } catch InputError.missingFile {
            throw PolicyError.missingFile(path: path)
        } catch InputError.unreadable(_, let reason) {
            throw PolicyError.unreadable(path: path, reason: reason)
        }
        return try decode(data, path: path)
    }

    /// Decodes a policy document (see ``load(path:)``).
    public static func decode(_ data: Data, path: String = "policy") throws -> Policy {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw PolicyError.invalid(path: path, reason: "not valid JSON")
        }
        if let unknown = unknownKeys(object, template: try encodedTemplate(), at: "") .first {
            throw PolicyError.invalid(path: path, reason: "unknown key '\(unknown)'")
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let policy: Policy
        do {
            policy = try decoder.decode(Policy.self, from: data)
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw PolicyError.invalid(path: path, reason: "wrong type at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'")
        } catch let DecodingError.dataCorrupted(context) {
            throw PolicyError.invalid(path: path, reason: "bad value at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'")
        } catch {
            throw PolicyError.invalid(path: path, reason: "\(error)")
        }
        try policy.validate(path: path)
        return policy
    }

    func validate(path: String) throws {
        guard version == Policy.currentVersion else {
            throw PolicyError.invalid(path: path, reason: "version \(version) is not supported (this build reads version \(Policy.currentVersion))")
        }
        if softBounce.threshold < 1 { throw PolicyError.invalid(path: path, reason: "soft_bounce.threshold must be at least 1") }
        if mailboxFull.threshold < 1 { throw PolicyError.invalid(path: path, reason: "mailbox_full.threshold must be at least 1") }
        if softBounce.minSpanHours < 0 { throw PolicyError.invalid(path: path, reason: "soft_bounce.min_span_hours must not be negative") }
        if let days = softBounce.expireAfterDays, days < 1 { throw PolicyError.invalid(path: path, reason: "soft_bounce.expire_after_days must be at least 1 (null: never)") }
        if let days = mailboxFull.expireAfterDays, days < 1 { throw PolicyError.invalid(path: path, reason: "mailbox_full.expire_after_days must be at least 1 (null: never)") }
        if staleAfterDays < 1 { throw PolicyError.invalid(path: path, reason: "stale_after_days must be at least 1") }
        if let days = domains.aliveWithinDays, days < 0 { throw PolicyError.invalid(path: path, reason: "domains.alive_within_days must not be negative") }
        if domains.outageWindowMinutes < 0 { throw PolicyError.invalid(path: path, reason: "domains.outage_window_minutes must not be negative") }
        if domains.outageMinAddresses < 2 { throw PolicyError.invalid(path: path, reason: "domains.outage_min_addresses must be at least 2") }
        if domains.deadConfirmHours < 0 { throw PolicyError.invalid(path: path, reason: "domains.dead_confirm_hours must not be negative") }
        try `guard`.validate(path: path)
    }

    /// The effective policy as pretty, key-sorted JSON (what `listwash policy` prints).
    public func json(pretty: Bool = true) -> Data {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)) ?? Data()
    }

    private static func encodedTemplate() throws -> Any {
        var template = Policy()
        template.rules = [ClassifierRule(name: "", reason: .undefined, kind: .soft, replyCodes: [], statuses: [], phrases: [])]
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return try JSONSerialization.jsonObject(with: encoder.encode(template))
    }

    private static func unknownKeys(_ value: Any, template: Any, at path: String) -> [String] {
        if let object = value as? [String: Any], let known = template as? [String: Any] {
            var found: [String] = []
            for key in object.keys.sorted() {
                let here = path.isEmpty ? key : "\(path).\(key)"
                if let sub = known[key] {
                    found += unknownKeys(object[key]!, template: sub, at: here)
                } else if !key.hasPrefix("_") {
                    found.append(here)
                }
            }
            return found
        }
        if let array = value as? [Any], let first = (template as? [Any])?.first {
            return array.enumerated().flatMap { unknownKeys($0.element, template: first, at: "\(path)[\($0.offset)]") }
        }
        return []
    }
}

extension Policy {
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = Policy()
        version = try c.decodeIfPresent(Int.self, forKey: .version) ?? d.version
        hardBounce = try c.decodeIfPresent(HardBounce.self, forKey: .hardBounce) ?? d.hardBounce
        softBounce = try c.decodeIfPresent(SoftBounce.self, forKey: .softBounce) ?? d.softBounce
        mailboxFull = try c.decodeIfPresent(MailboxFull.self, forKey: .mailboxFull) ?? d.mailboxFull
        staleAfterDays = try c.decodeIfPresent(Int.self, forKey: .staleAfterDays) ?? d.staleAfterDays
        complaintSuppresses = try c.decodeIfPresent(Bool.self, forKey: .complaintSuppresses) ?? d.complaintSuppresses
        unsubscribeSuppresses = try c.decodeIfPresent(Bool.self, forKey: .unsubscribeSuppresses) ?? d.unsubscribeSuppresses
        address = try c.decodeIfPresent(Address.self, forKey: .address) ?? d.address
        rules = try c.decodeIfPresent([ClassifierRule].self, forKey: .rules) ?? d.rules
        classification = try c.decodeIfPresent(Classification.self, forKey: .classification) ?? d.classification
        domains = try c.decodeIfPresent(Domains.self, forKey: .domains) ?? d.domains
        `guard` = try c.decodeIfPresent(Guard.self, forKey: .guard) ?? d.guard
    }

    /// The classifier this policy asks for.
    public func makeClassifier() throws -> Classifier {
        try Classifier(extraRules: rules, codesFromText: classification.codesFromText, builtInRules: classification.builtInRules)
    }
}

extension Policy.HardBounce {
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        suppress = try c.decodeIfPresent(Bool.self, forKey: .suppress) ?? true
        deliveryClears = try c.decodeIfPresent(Bool.self, forKey: .deliveryClears) ?? false
    }
}

extension Policy.SoftBounce {
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        threshold = try c.decodeIfPresent(Int.self, forKey: .threshold) ?? 5
        minSpanHours = try c.decodeIfPresent(Double.self, forKey: .minSpanHours) ?? 72
        expireAfterDays = try c.decodeIfPresent(Int.self, forKey: .expireAfterDays)
    }

    /// Encodes `expire_after_days` as null when it is off (so `listwash policy` shows the key).
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(threshold, forKey: .threshold)
        try c.encode(minSpanHours, forKey: .minSpanHours)
        try c.encode(expireAfterDays, forKey: .expireAfterDays)
    }
}

extension Policy.MailboxFull {
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        threshold = try c.decodeIfPresent(Int.self, forKey: .threshold) ?? 3
        countsAsSoft = try c.decodeIfPresent(Bool.self, forKey: .countsAsSoft) ?? true
        expireAfterDays = try c.decodeIfPresent(Int.self, forKey: .expireAfterDays)
    }

    /// Encodes `expire_after_days` as null when it is off (so `listwash policy` shows the key).
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(threshold, forKey: .threshold)
        try c.encode(countsAsSoft, forKey: .countsAsSoft)
        try c.encode(expireAfterDays, forKey: .expireAfterDays)
    }
}

extension Policy.Classification {
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        codesFromText = try c.decodeIfPresent(Bool.self, forKey: .codesFromText) ?? true
        builtInRules = try c.decodeIfPresent(Bool.self, forKey: .builtInRules) ?? true
    }
}

extension Policy.Domains {
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = Policy.Domains()
        judge = try c.decodeIfPresent(Bool.self, forKey: .judge) ?? d.judge
        aliveWithinDays = try c.decodeIfPresent(Int.self, forKey: .aliveWithinDays) ?? d.aliveWithinDays
        outageWindowMinutes = try c.decodeIfPresent(Int.self, forKey: .outageWindowMinutes) ?? d.outageWindowMinutes
        outageMinAddresses = try c.decodeIfPresent(Int.self, forKey: .outageMinAddresses) ?? d.outageMinAddresses
        deadConfirmHours = try c.decodeIfPresent(Int.self, forKey: .deadConfirmHours) ?? d.deadConfirmHours
    }

    /// Encodes `alive_within_days` as null when it follows the stale window (so `listwash
    /// policy` shows the key).
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(judge, forKey: .judge)
        try c.encode(aliveWithinDays, forKey: .aliveWithinDays)
        try c.encode(outageWindowMinutes, forKey: .outageWindowMinutes)
        try c.encode(outageMinAddresses, forKey: .outageMinAddresses)
        try c.encode(deadConfirmHours, forKey: .deadConfirmHours)
    }
}

extension Policy.Address {
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        localPartCaseSensitive = try c.decodeIfPresent(Bool.self, forKey: .localPartCaseSensitive) ?? false
        syntax = try c.decodeIfPresent(AddressSyntax.self, forKey: .syntax) ?? .strict
        blank = try c.decodeIfPresent(Policy.BlankAddress.self, forKey: .blank) ?? .reject
    }
}

/// Errors reading a policy file.
public enum PolicyError: Error, Equatable, Sendable, CustomStringConvertible {
    case missingFile(path: String)
    /// The file is there but cannot be read (permissions, a folder, an I/O error).
    case unreadable(path: String, reason: String)
    case invalid(path: String, reason: String)

    public var description: String {
        switch self {
        case .missingFile(let path): return "\(path): no such policy file"
        case .unreadable(let path, let reason): return "\(path): cannot read the policy file: \(reason)"
        case .invalid(let path, let reason): return "\(path): invalid policy: \(reason)"
        }
    }
}
