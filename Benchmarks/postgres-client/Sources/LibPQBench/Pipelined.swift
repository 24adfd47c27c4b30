import CLibPQ
import Dispatch
import PGRows

/// libpq with the load's encoding and sending on two threads: the rows of the next 1 MiB are
/// encoded while a second thread hands the last one to libpq (at most two pieces in flight).
/// postgres-nio's `copyFrom` overlaps the two the same way (its writes go to the event-loop
/// thread); this tells that overlap from the library. Its read would be libpq's: not repeated.
public final class LibPQPipelined: Client, @unchecked Sendable {
    public let name = "libpq, 2 threads"
    public let readsBack = false
    let connection: LibPQ
    let sender = DispatchQueue(label: "copy-sender")

    public init(url: String) throws { connection = try LibPQ(url: url) }

    public var backendPID: Int32 { connection.backendPID }

    public func reset() throws { try connection.reset() }

    public func load(_ events: [Event]) throws {
        let handle = connection.handle
        let start = PQexec(handle, Table.copyIn)
        guard PQresultStatus(start) == PGRES_COPY_IN else { defer { PQclear(start) }; throw connection.failure(start) }
        PQclear(start)
        let chunk = 1 << 20
        let slots = DispatchSemaphore(value: 2)
        let failed = Box()
        var buffer: [UInt8] = []
        buffer.reserveCapacity(chunk + 4096)
        func hand(_ piece: [UInt8]) {
            slots.wait()
            sender.async {
                defer { slots.signal() }
                guard !failed.value else { return }
                let rc = piece.withUnsafeBytes { PQputCopyData(self.connection.handle, $0.baseAddress!.assumingMemoryBound(to: CChar.self), Int32($0.count)) }
                if rc != 1 { failed.value = true }
            }
        }
        for event in events {
            appendCopyRow(event, to: &buffer)
            if buffer.count >= chunk {
                hand(buffer)
                buffer = []
                buffer.reserveCapacity(chunk + 4096)
            }
        }
        if !buffer.isEmpty { hand(buffer) }
        sender.sync {}
        guard !failed.value, PQputCopyEnd(handle, nil) == 1 else { throw connection.failure(nil) }
        try connection.finishResults()
    }

    public func read() throws -> Digest { try connection.read() }

    public func count() throws -> Int { try connection.count() }
}

/// A flag the sender sets and the encoder reads after `sync` (the queue orders the two).
final class Box: @unchecked Sendable {
    var value = false
}
