/// Writes the history's events with their classification as CSV or JSON Lines, for people
/// and tools that want the history in a table (`listwash history export`).
///
/// Events come in the order they were added to the history (event number order: one
/// sequential read of `event_blocks`); with `address`, only that address's events, matched by
/// the same key as `clean`, in time order.
public struct HistoryExport {
    public enum Format: String, CaseIterable, Sendable {
        case csv
        case jsonl
    }

    /// The CSV header (and the JSON members, in this order).
    public static let columns = ["id", "address", "timestamp", "type", "reply_code", "enhanced_code", "diagnostic",
                                 "reason", "kind", "classifier_rule", "provider_verdict", "source"]

    public var format: Format
    public var address: String?
    public var policy: Policy

    public init(format: Format, address: String? = nil, policy: Policy = Policy()) {
        self.format = format
        self.address = address
        self.policy = policy
    }

    /// Calls `write` with the export's bytes, a header or a few events at a time; returns the
    /// number of events written.
    /// - Complexity: one sequential pass over the event blocks.
    public func run(history: HistoryStore, write: ([UInt8]) throws -> Void) throws -> Int {
        if format == .csv { try write(CSVText.line(Self.columns)) }
        var count = 0
        try history.reading {
            if let address {
                let key = policy.addressRules.key(address)
                for record in try history.events(forKey: key, asOf: .max, caseSensitive: policy.address.localPartCaseSensitive) {
                    try write(line(record))
                    count += 1
                }
                return
            }
            // Block by block, slot by slot: the reader keeps the block it read last, so each
            // block is read and decoded once (a slot with no event reads nothing).
            let reader = try history.eventRowReader()
            var buffer: [UInt8] = []
            for block in 0...(try history.lastEventBlock()) {
                for slot in 0..<EventBlock.capacity {
                    _ = try reader.read(EventBlock.number(block: block, slot: slot)) { row in
                        if let record = EventRecord(row: row) {
                            buffer += line(record)
                            count += 1
                        }
                    }
                }
                if buffer.count >= 1 << 16 {
                    try write(buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            if !buffer.isEmpty { try write(buffer) }
        }
        return count
    }

    /// One event as a CSV row or a JSON line.
    func line(_ e: EventRecord) -> [UInt8] {
        switch format {
        case .csv:
            return CSVText.line([e.id.hexString, e.address, Timestamp.format(e.timestamp), e.type.rawValue,
                                 e.replyCode.map(String.init) ?? "", e.enhancedCode ?? "", e.diagnostic, e.reason,
                                 e.kind?.rawValue ?? "", e.rule, e.providerVerdict ?? "", e.source])
        case .jsonl:
            var json = JSONWriter()
            json.beginObject()
            json.string("id", e.id.hexString)
            json.string("address", e.address)
            json.string("timestamp", Timestamp.format(e.timestamp))
            json.string("type", e.type.rawValue)
            json.int("reply_code", e.replyCode)
            json.string("enhanced_code", e.enhancedCode)
            json.string("diagnostic", e.diagnostic)
            json.string("reason", e.reason)
            json.string("kind", e.kind?.rawValue)
            json.string("classifier_rule", e.rule)
            json.string("provider_verdict", e.providerVerdict)
            json.string("source", e.source)
            json.endObject()
            return json.takeLine()
        }
    }
}
