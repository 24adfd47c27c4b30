import Foundation

/// The hand-over of removed rows from `clean`'s list pass (the producer) to the
/// ``AuditWriter``'s thread (the consumer): batches of rows, in list order, through a bounded
/// queue, so the list pass runs ahead by at most a few thousand rows.
///
/// The consumer ends with ``close(failure:)``; after a failure, the producer's next hand-over
/// (or ``finish()``) throws it, so the run fails and no partial output is committed.
///
/// `@unchecked Sendable`: shared by two threads for one run of `clean`. The batch being
/// filled is the producer's alone; everything else is touched only under `condition`'s lock.
final class AuditQueue: @unchecked Sendable {
    /// Thrown to the producer when the consumer stopped without an error of its own (never
    /// expected; it keeps a hand-over from waiting forever).
    struct Stopped: Error {}

    private let condition = NSCondition()
    private var queue: [[RemovedRow]] = []
    private let capacity = 8
    private var ended = false
    private var cancelled = false
    private var closed = false
    private var failure: (any Error)?
    /// The producer's batch being filled.
    private var batch: [RemovedRow] = []
    private let batchSize = 512

    init() {
        batch.reserveCapacity(batchSize)
    }

    // MARK: The producer's side

    /// Hands one removed row over (list order); throws the consumer's error if it has failed.
    func send(_ row: RemovedRow) throws {
        batch.append(row)
        if batch.count >= batchSize { try push() }
    }

    private func push() throws {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= capacity, !closed { condition.wait() }
        if closed { throw failure ?? Stopped() }
        queue.append(batch)
        batch.removeAll(keepingCapacity: true)
        condition.broadcast()
    }

    /// Hands the last rows over, waits until the consumer has handled everything and
    /// rethrows its error.
    func finish() throws {
        if !batch.isEmpty { try push() }
        condition.lock()
        defer { condition.unlock() }
        ended = true
        condition.broadcast()
        while !closed { condition.wait() }
        if let failure { throw failure }
    }

    /// Drops what is queued and tells the consumer to stop (the list pass failed). Safe to
    /// repeat, and after ``finish()``.
    func cancel() {
        condition.lock()
        defer { condition.unlock() }
        cancelled = true
        queue.removeAll()
        condition.broadcast()
    }

    // MARK: The consumer's side

    /// The next batch, waiting for it; nil once the producer has finished or cancelled.
    func take() -> [RemovedRow]? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty, !ended, !cancelled { condition.wait() }
        if cancelled || queue.isEmpty { return nil }
        let next = queue.removeFirst()
        condition.broadcast()
        return next
    }

    /// The consumer has stopped (with `failure`, if it failed): the producer's waits end.
    func close(failure: (any Error)?) {
        condition.lock()
        defer { condition.unlock() }
        self.failure = failure
        closed = true
        queue.removeAll()
        condition.broadcast()
    }
}
