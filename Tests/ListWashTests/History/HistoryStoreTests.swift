import Testing
@testable import ListWash

@Suite struct HistoryStoreTests {
    let classifier = try! Classifier()

    func records(_ raws: [RawEvent]) -> [EventRecord] { raws.compactMap { EventRecord($0, classifier: classifier) } }

    @Test func reingestingTheSameEventsAddsNothing() throws {
        let folder = try TemporaryFolder()
        let store = try HistoryStore(path: "\(folder.path)/h.sqlite", create: true)
        let events = records([
            bounce("a@example.com", 100, 550, "5.1.1", "550 5.1.1 user unknown"),
            bounce("b@example.com", 200, 452, "4.2.2", "452 4.2.2 mailbox full"),
        ])
        #expect(try store.insert(events) == (new: 2, duplicate: 0))
        #expect(try store.insert(events) == (new: 0, duplicate: 2))
        #expect(try store.count() == 2)
    }

    /// 150 events fill two blocks of 64 and part of a third; each reads back by its number,
    /// and a damaged block is an error that names the history, not a crash or a wrong event.
    @Test func eventsReadBackFromTheirBlocksAndADamagedBlockIsAnError() throws {
        let folder = try TemporaryFolder()
        let store = try HistoryStore(path: "\(folder.path)/h.sqlite", create: true)
        let events = records((0..<150).map { bounce("u\($0)@example.com", 1_000 + Int64($0), 550, "5.1.1", "550 5.1.1 unknown \($0)") })
        #expect(try store.insert(events) == (new: 150, duplicate: 0))
        let numbers = try store.storedEventNumbers()
        #expect(numbers.count == 150)
        #expect(Set(numbers.map(EventBlock.block(of:))).count == 3)
        let reader = try store.eventRowReader()
        var diagnostics: [String] = []
        for number in numbers {
            #expect(try reader.read(number) { diagnostics.append(String(decoding: $0.diagnostic, as: UTF8.self)) })
        }
        #expect(Set(diagnostics) == Set(events.map(\.diagnostic)))
        #expect(try !reader.read(numbers.max()! + 1) { _ in })

        try store.db.execute("UPDATE event_blocks SET events = x'0102030405' WHERE block = (SELECT min(block) FROM event_blocks)")
        #expect(throws: HistoryError.self) { try store.eventRowReader().read(numbers[0]) { _ in } }
        #expect(throws: HistoryError.self) { try store.events(forKey: Array("u0@example.com".utf8), asOf: .max, caseSensitive: false) }
    }

    @Test func eventIdIgnoresSourceAndAddressCaseOfTheDomain() {
        var a = bounce("a@Example.com", 100, 550, "5.1.1", "x", line: 1)
        var b = bounce(" a@example.COM ", 100, 550, "5.1.1", "x", line: 99)
        b.source = EventSource(file: "other.jsonl", line: 7)
        #expect(EventRecord(a, classifier: classifier)?.id == EventRecord(b, classifier: classifier)?.id)
        a.diagnostic = "y"
        #expect(EventRecord(a, classifier: classifier)?.id != EventRecord(b, classifier: classifier)?.id)
    }

    @Test func reopeningMigratesOnceAndKeepsEvents() throws {
        let folder = try TemporaryFolder()
        let path = "\(folder.path)/h.sqlite"
        _ = try HistoryStore(path: path, create: true).insert(records([bounce("a@example.com", 1, 550, "5.1.1", "")]))
        #expect(try HistoryStore(path: path, create: true).count() == 1)
        #expect(try HistoryStore(path: path, create: false).count() == 1)
    }

    @Test func aMissingHistoryIsNotCreatedForReading() throws {
        let folder = try TemporaryFolder()
        #expect(throws: HistoryError.notFound(path: "\(folder.path)/none.sqlite")) {
            try HistoryStore(path: "\(folder.path)/none.sqlite", create: false)
        }
    }

    @Test func scanGroupsByAddressInTimeOrderAndHonoursAsOf() throws {
        let folder = try TemporaryFolder()
        let store = try HistoryStore(path: "\(folder.path)/h.sqlite", create: true)
        _ = try store.insert(records([
            bounce("b@example.com", 300, 451, "4.4.1", "timeout"),
            bounce("A@example.com", 200, 451, "4.4.1", "timeout"),
            bounce("a@example.com", 100, 451, "4.4.1", "timeout"),
            bounce("b@example.com", 900, 451, "4.4.1", "later"),
        ]))
        var groups: [(String, [Int64])] = []
        let scan = try store.forEachAddress(asOf: 500, caseSensitive: false) { key, events in
            groups.append((String(decoding: key, as: UTF8.self), events.map(\.timestamp)))
        }
        #expect(scan.events == 3)
        #expect(groups.map(\.0) == ["a@example.com", "b@example.com"])
        #expect(groups.map(\.1) == [[100, 200], [300]])
        var exact: [String] = []
        _ = try store.forEachAddress(asOf: 500, caseSensitive: true) { key, _ in exact.append(String(decoding: key, as: UTF8.self)) }
        #expect(exact == ["A@example.com", "a@example.com", "b@example.com"])
        #expect(try store.events(forKey: Array("a@example.com".utf8), asOf: 500, caseSensitive: false).count == 2)
    }
}

@Suite struct StoredNameTests {
    @Test func everyTypeAndKindReadsBackFromItsStoredName() {
        for type in EventType.allCases {
            #expect(Array(type.rawValue.utf8).withUnsafeBytes { EventType(storedName: $0) } == type)
        }
        for kind in BounceKind.allCases {
            #expect(Array(kind.rawValue.utf8).withUnsafeBytes { BounceKind(storedName: $0) } == kind)
        }
        #expect(Array("".utf8).withUnsafeBytes { BounceKind(storedName: $0) } == nil)
        #expect(Array("opened".utf8).withUnsafeBytes { EventType(storedName: $0) } == nil)
    }
}
