import Testing
@testable import ListWash

@Suite struct RunGroupTests {
    let classifier = try! Classifier()

    func bounce(_ address: String, _ ts: Int64, line: Int) -> EventRecord {
        EventRecord(RawEvent(address: address, timestamp: ts, type: .bounce, replyCode: 452, enhancedCode: "4.2.2",
                             diagnostic: "452 4.2.2 mailbox full \(ts)", source: EventSource(file: "g.csv", line: line)),
                    classifier: classifier)!
    }

    /// 40 addresses with one to three events, and between two of them one with 500 (more than
    /// a group's bytes).
    var events: [EventRecord] {
        var out: [EventRecord] = []
        for i in 0..<40 {
            for j in 0..<(i % 3 + 1) { out.append(bounce(String(format: "a%03d@example.com", i), Int64(1_000 * i + j), line: out.count + 1)) }
        }
        for j in 0..<500 { out.append(bounce("a020big@example.com", Int64(50_000 + j), line: out.count + 1)) }
        return out
    }

    @Test func aRunIsWrittenInGroupsAndEveryAddressIsFoundInThem() throws {
        let folder = try TemporaryFolder()
        let store = try HistoryStore(path: "\(folder.path)/h.sqlite", create: true)
        let all = events
        #expect(try store.insert(all) == (new: all.count, duplicate: 0))
        #expect(try store.runs().map(\.layout) == [.compact])
        // 41 addresses: groups of 16, except the one the 500-event address (about 10 KB of
        // entries, 20 bytes each) takes past the group's bytes, which ends with it.
        let select = try store.db.prepare("SELECT address_key FROM address_runs ORDER BY address_key")
        var firstKeys: [String] = []
        while try select.step() { firstKeys.append(select.string(0) ?? "") }
        #expect(firstKeys == ["a000@example.com", "a016@example.com", "a021@example.com", "a037@example.com"])

        // Every key, at the start of a group, inside one or last, reads its own events.
        for key in Set(all.map(\.addressKey)) {
            let got = try store.events(forKey: Array(key.utf8), asOf: .max, caseSensitive: false).map(\.timestamp)
            #expect(got == all.filter { $0.addressKey == key }.map(\.timestamp).sorted(), "\(key)")
        }
        // Keys before the first, between two, after the last and a prefix of one are not there.
        for absent in ["0@example.com", "a000@example.co", "a0155@example.com", "a039@example.comm", "zz@example.com"] {
            #expect(try store.events(forKey: Array(absent.utf8), asOf: .max, caseSensitive: false).isEmpty, "\(absent)")
        }
        // The scan gives each address once, in key order, with all of its events.
        var scanned: [String: Int] = [:]
        var order: [String] = []
        _ = try store.forEachAddress(asOf: .max, caseSensitive: false) { key, events in
            scanned[String(decoding: key, as: UTF8.self)] = events.count
            order.append(String(decoding: key, as: UTF8.self))
        }
        #expect(order == order.sorted() && order.count == 41)
        #expect(scanned["a020big@example.com"] == 500 && scanned["a002@example.com"] == 3)

        // A load that repeats everything finds every event in the grouped run, and adds nothing.
        #expect(try store.insert(all.reversed()) == (new: 0, duplicate: all.count))
        #expect(try store.runs().count == 1)
    }

    @Test func aDamagedGroupIsAnErrorNotACrash() throws {
        let folder = try TemporaryFolder()
        let store = try HistoryStore(path: "\(folder.path)/h.sqlite", create: true)
        _ = try store.insert(events)
        // The first group cut inside its second address's entries.
        try store.db.execute("UPDATE address_runs SET entries = substr(entries, 1, 60) WHERE address_key = 'a000@example.com'")
        #expect(throws: HistoryError.self) { _ = try store.forEachAddress(asOf: .max, caseSensitive: false) { _, _ in } }
        #expect(throws: HistoryError.self) { try store.events(forKey: Array("a001@example.com".utf8), asOf: .max, caseSensitive: false) }
        // An empty group.
        try store.db.execute("UPDATE address_runs SET entries = x'' WHERE address_key = 'a016@example.com'")
        #expect(throws: HistoryError.self) { try store.events(forKey: Array("a017@example.com".utf8), asOf: .max, caseSensitive: false) }
    }

    @Test func aGroupsMembersReadBackInOrder() throws {
        var blob: [UInt8] = []
        for (key, count) in [("a", 1), ("bb", 0), ("c", 2)] {
            Varint.append(UInt64(key.utf8.count), to: &blob)
            blob += Array(key.utf8)
            Varint.append(UInt64(count), to: &blob)
            blob += Array(repeating: UInt8(count), count: count * AddressEntry.size)
        }
        var seen: [String] = []
        try blob.withUnsafeBytes { raw in
            var at = 0
            while at < raw.count {
                let m = try RunGroup.member(of: raw, at: at, layout: .groupedWithMessages, base: 0)
                let (key, entries, next) = (m.key, m.entries, m.next)
                seen.append("\(String(decoding: key, as: UTF8.self)):\(entries.count)")
                at = next
            }
        }
        #expect(seen == ["a:\(AddressEntry.size)", "bb:0", "c:\(2 * AddressEntry.size)"])
        func find(_ key: String) throws -> Int? {
            try blob.withUnsafeBytes { raw in
                try Array(key.utf8).withUnsafeBytes { try RunGroup.entries(of: $0, in: raw, layout: .groupedWithMessages)?.entries.count }
            }
        }
        #expect(try find("a") == AddressEntry.size)
        #expect(try find("c") == 2 * AddressEntry.size)
        #expect(try find("b") == nil)
        #expect(try find("d") == nil)
        // A count past the blob's end.
        var bad = blob
        bad[2] = 0x7F
        #expect(throws: RunGroup.Damaged.self) { try bad.withUnsafeBytes { _ = try RunGroup.entries(of: UnsafeRawBufferPointer(start: nil, count: 0), in: $0, layout: .groupedWithMessages) } }
        #expect(throws: RunGroup.Damaged.self) { try [UInt8]().withUnsafeBytes { _ = try RunGroup.member(of: $0, at: 0, layout: .compact, base: 0) } }
    }
}
