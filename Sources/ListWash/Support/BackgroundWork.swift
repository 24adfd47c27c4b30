import Foundation

/// Runs a closure on a thread of its own (the machine's other core) while the caller goes on;
/// ``wait()`` returns its result or rethrows its error.
///
/// `@unchecked Sendable`: `work` is set before the thread starts and read by it alone;
/// `result` is written by the worker and read by its owner (the caller that made it), both
/// under `condition`'s lock. It lives until its owner has waited for it.
final class BackgroundWork<T>: @unchecked Sendable {
    private let condition = NSCondition()
    // Written by the worker thread, read after `wait()` under the condition's lock.
    private var result: Result<T, any Error>?
    private var work: (() throws -> T)?

    init(_ work: @escaping () throws -> T) {
        self.work = work
        let thread = Thread { [self] in run() }
        thread.stackSize = 8 << 20
        thread.start()
    }

    private func run() {
        let outcome = Result { try work!() }
        condition.lock()
        work = nil
        result = outcome
        condition.broadcast()
        condition.unlock()
    }

    /// True once the work has ended (it will not wait).
    var isFinished: Bool {
        condition.lock()
        defer { condition.unlock() }
        return result != nil
    }

    /// Waits for the work to end; returns its result or rethrows its error.
    func wait() throws -> T {
        condition.lock()
        while result == nil { condition.wait() }
        let outcome = result!
        condition.unlock()
        return try outcome.get()
    }
}
