import Testing
@testable import ListWash

@Suite struct EvidenceFileTests {
    @Test func headersReadBackAsWritten() throws {
        var stats = BounceStats([])
        stats.count = 7
        stats.first = -86_400
        stats.last = 1_793_491_199
        let records = [
            SuppressionRecord(rule: .softBounceEscalation, reason: "networkerror", kind: "soft", firstSeen: 0, lastSeen: 259_200,
                              evidenceCount: 5, bounces: stats, evidence: []),
            SuppressionRecord(rule: nil, reason: "", kind: "", firstSeen: nil, lastSeen: nil, evidenceCount: 0,
                              bounces: BounceStats([]), evidence: []),
            SuppressionRecord(rule: .complaint, reason: "complaint", kind: "", firstSeen: 12, lastSeen: 12, evidenceCount: 1,
                              bounces: BounceStats([]), evidence: []),
        ]
        for record in records {
            var bytes: [UInt8] = []
            EvidenceFile.encodeHeader(record, into: &bytes)
            #expect(bytes.count <= EvidenceFile.maxHeader)
            #expect(try EvidenceFile.decode(bytes + [1, 2, 3]) == record)
        }
        #expect(throws: OutputError.self) { try EvidenceFile.decode([3, 4]) }
    }

    /// The evidence objects are rendered from raw column bytes: they must equal what
    /// `JSONWriter` writes for the same stored event (the audit's bytes before this file).
    @Test func eventsRenderAsJSONWriterWritesThem() throws {
        let folder = try TemporaryFolder()
        let classifier = try Classifier()
        let store = try HistoryStore(path: "\(folder.path)/h.sqlite", create: true)
        var raws = [
            bounce("a@example.com", 1_000, 550, "5.1.1", "550 5.1.1 \"quoted\" \\ tab\tnew\nline é 漢"),
            bounce("a@example.com", 2_000, nil, nil, ""),
        ]
        raws[1].providerVerdict = "Permanent"
        raws.append(RawEvent(address: "a@example.com", timestamp: 3_000, type: .complaint, source: EventSource(file: "f.jsonl", line: 9)))
        _ = try store.insert(raws.compactMap { EventRecord($0, classifier: classifier) })
        let stored = try store.events(forKey: Array("a@example.com".utf8), asOf: 10_000, caseSensitive: false)
        #expect(stored.count == 3)
        let reader = try store.eventRowReader()
        for (i, event) in stored.enumerated() {
            var rendered: [UInt8] = []
            #expect(try reader.read(Int64(i + 1)) { EvidenceFile.renderEvent($0, into: &rendered) })
            var json = JSONWriter()
            json.beginObject()
            json.string("id", event.id.hexString)
            json.string("timestamp", Timestamp.format(event.timestamp))
            json.string("type", event.type.rawValue)
            json.int("reply_code", event.replyCode)
            json.string("enhanced_code", event.enhancedCode)
            json.string("diagnostic", event.diagnostic)
            json.string("reason", event.reason)
            json.string("kind", event.kind?.rawValue)
            json.string("classifier_rule", event.rule)
            json.string("provider_verdict", event.providerVerdict)
            json.string("source", event.source)
            json.endObject()
            #expect(String(decoding: rendered, as: UTF8.self) == String(decoding: json.bytes, as: UTF8.self))
        }
    }
}
