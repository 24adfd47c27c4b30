import Foundation

/// A bounded hand-over from the reader thread to the storing thread: the reader blocks when
/// `capacity` messages wait, so memory stays bounded whatever the file's size.
///
/// `@unchecked Sendable`: one per ingested file, shared by its reader thread (which sends)
/// and its storing thread (which receives and returns emptied batches); every stored
/// property but the lets is read and written only under `condition`'s lock.
final class BatchPipe: @unchecked Sendable {
    enum Message: Sendable {
        case events(EventBatch)
        case rejection(Rejection)
        case finished(read: Int, skipped: [String: Int], notes: [String])
        case failed(any Error)
    }

    /// Thrown to the reader when the storing side has given up.
    struct Cancelled: Error {}

    private let condition = NSCondition()
    private var queue: [Message] = []
    /// Batches the writer has stored, returned for the reader to refill (at most `capacity`).
    private var emptied: [EventBatch] = []
    private let capacity: Int
    private var cancelled = false
    private var producerFinished = false

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Hands a message over, waiting while the pipe is full; throws once cancelled.
    func send(_ message: Message) throws {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= capacity, !cancelled { condition.wait() }
        if cancelled { throw Cancelled() }
        queue.append(message)
        condition.broadcast()
    }

    /// The next message, waiting for one.
    func receive() -> Message {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty { condition.wait() }
        let message = queue.removeFirst()
        condition.broadcast()
        return message
    }

    /// Returns a stored batch for reuse; the reader empties it (see ``takeEmptied()``).
    func giveBack(_ batch: consuming EventBatch) {
        condition.lock()
        let keep = emptied.count < capacity && !cancelled
        if keep { emptied.append(batch) }
        condition.unlock()
        // A batch not kept is freed here, outside the lock.
    }

    /// A batch the writer has stored (its events still in it, for the caller to remove with
    /// ``EventBatch/removeAll()``), or nil when none is waiting.
    func takeEmptied() -> EventBatch? {
        condition.lock()
        defer { condition.unlock() }
        return emptied.popLast()
    }

    /// Stops the reader at its next hand-over.
    func cancel() {
        condition.lock()
        cancelled = true
        queue.removeAll()
        emptied.removeAll()
        condition.broadcast()
        condition.unlock()
    }

    /// Called by the reader thread as its last act.
    func producerDone() {
        condition.lock()
        producerFinished = true
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until the reader thread has finished.
    func waitForProducer() {
        condition.lock()
        while !producerFinished { condition.wait() }
        condition.unlock()
    }
}
