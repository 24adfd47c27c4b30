/// A classified event with its deterministic id: what the history stores.
public struct EventRecord: Sendable, Equatable {
    /// First 16 bytes of SHA-256 over the event's identity (see ``EventRecord/identity(address:raw:)``).
    public var id: [UInt8]
    /// The matching key with the local part lower-cased too (the history's grouping key).
    public var addressKey: String
    /// The address trimmed, domain lower-cased, local part as received.
    public var address: String
    public var timestamp: Int64
    public var type: EventType
    public var replyCode: Int?
    public var enhancedCode: String?
    public var diagnostic: String
    public var reason: String
    public var kind: BounceKind?
    /// The classifier rule that decided (`status:5.1.1`).
    public var rule: String
    public var providerVerdict: String?
    public var source: String

    /// Classifies a raw event and gives it its id. Returns nil when the address is empty.
    public init?(_ raw: RawEvent, classifier: Classifier) {
        let exact = AddressRules(localPartCaseSensitive: true).key(raw.address)
        guard !exact.isEmpty else { return nil }
        address = String(decoding: exact, as: UTF8.self)
        addressKey = String(decoding: exact.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
        timestamp = raw.timestamp
        type = raw.type
        replyCode = raw.replyCode
        enhancedCode = raw.enhancedCode.flatMap { $0.isEmpty ? nil : $0 }
        diagnostic = raw.diagnostic
        providerVerdict = raw.providerVerdict
        source = raw.source.description
        if raw.type == .bounce {
            let c = classifier.classify(replyCode: replyCode, enhancedCode: enhancedCode, diagnostic: diagnostic)
            reason = c.reason.rawValue
            kind = c.kind
            rule = c.rule
        } else {
            reason = raw.type.rawValue
            kind = nil
            rule = "event:\(raw.type.rawValue)"
        }
        id = EventRecord.identity(address: exact, raw: raw)
    }

    /// The deterministic event id: the same event read twice, from any file, gets the same id.
    /// Covers the address, time, type, codes and diagnostic; not the source or the classification.
    public static func identity(address: [UInt8], raw: RawEvent) -> [UInt8] {
        var bytes: [UInt8] = Array("listwash-event-v1".utf8)
        func field(_ part: some Sequence<UInt8>) {
            bytes.append(0)
            bytes.append(contentsOf: part)
        }
        field(address)
        field(String(raw.timestamp).utf8)
        field(raw.type.rawValue.utf8)
        field((raw.replyCode.map(String.init) ?? "").utf8)
        field((raw.enhancedCode ?? "").utf8)
        field(raw.diagnostic.utf8)
        return Array(SHA256Hasher.digest(bytes).prefix(16))
    }
}
