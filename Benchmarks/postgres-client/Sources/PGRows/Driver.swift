/// One library under test. The libpq side is synchronous (its calls satisfy these async
/// requirements and block their thread, as in listwash); postgres-nio's is async.
public protocol Client: AnyObject, Sendable {
    var name: String { get }
    /// The server process serving this client's connection (its CPU is read from /proc).
    var backendPID: Int32 { get }
    /// A new, empty table (not timed).
    func reset() async throws
    /// `COPY … FROM STDIN` of every event.
    func load(_ events: [Event]) async throws
    /// Every row back in key order, each decoded into an ``Event`` and added to the digest.
    func read() async throws -> Digest
    /// Whether the read is measured for this client; if not, the load is checked by a count.
    var readsBack: Bool { get }
    /// The rows in the table.
    func count() async throws -> Int
}

extension Client {
    public var readsBack: Bool { true }
    public func count() async throws -> Int { -1 }
}

public struct BenchFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// R rounds; in each, every library loads the N rows into a new table and reads them back.
/// The order of the libraries alternates from round to round, so neither always runs first on
/// a warm or cold server. Prints each sample, then the medians and postgres-nio ÷ libpq.
public func run(_ clients: [any Client], options: Options) async throws {
    var watch = Stopwatch()
    let events = makeEvents(options.rows)
    print("\(options.rows) rows generated in \(fixed(watch.elapsed().wall)) s; \(options.rounds) round\(options.rounds == 1 ? "" : "s")")
    var results = Results(rows: options.rows)
    var expected: Digest?
    for round in 1...options.rounds {
        print("round \(round)")
        for client in round % 2 == 1 ? clients : clients.reversed() {
            try await client.reset()
            watch = Stopwatch(server: client.backendPID)
            try await client.load(events)
            results.add(client.name, "load", watch.elapsed())
            guard client.readsBack else {
                let rows = try await client.count()
                guard rows == options.rows else { throw BenchFailure("\(client.name) loaded \(rows) rows, not \(options.rows)") }
                continue
            }
            watch = Stopwatch(server: client.backendPID)
            let digest = try await client.read()
            results.add(client.name, "read", watch.elapsed())
            guard digest.rows == options.rows else { throw BenchFailure("\(client.name) read \(digest.rows) rows, not \(options.rows)") }
            if let expected, expected != digest {
                throw BenchFailure("\(client.name) decoded other rows (\(digest)) than before (\(expected))")
            }
            expected = digest
        }
    }
    print("every read decoded the same \(expected.map(\.description) ?? "")")
    results.report(libraries: clients.map(\.name), steps: ["load", "read"])
}
