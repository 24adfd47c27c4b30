/// Finds every occurrence of many byte patterns in one pass (Aho–Corasick), case-insensitively for
/// ASCII and with runs of blanks (space, tab, CR, LF) treated as one space.
///
/// The automaton is a dense DFA over byte classes (only bytes that occur in some pattern get their
/// own class), built once; matching is one table lookup per input byte with no allocation.
struct PhraseMatcher: Sendable {
    /// The byte class of every input byte (upper-case ASCII shares the lower-case class; blanks share space's).
    private let byteClass: [UInt8]
    private let classCount: Int
    /// `next[state * classCount + class]`: the fully resolved transition, stored in 16 bits
    /// when every state number fits (the built-in tables need about 16k states): half the
    /// memory of 32-bit entries, so the table the scan walks stays in cache.
    private let next: Transitions

    private enum Transitions: Sendable {
        case narrow([UInt16])
        case wide([Int32])
    }

    /// Whether the transitions are stored in 16 bits.
    var hasNarrowTransitions: Bool {
        if case .narrow = next { return true }
        return false
    }
    /// The pattern that ends exactly at a state, or -1.
    private let terminal: [Int32]
    /// The nearest state on the failure chain that has a terminal pattern, or -1.
    private let outputLink: [Int32]
    /// The normalized length of each pattern.
    let lengths: [Int]

    /// Lower-cases ASCII and folds blank runs to one space, as the matcher sees text.
    static func normalize(_ text: String) -> [UInt8] {
        var text = text
        return text.withUTF8 { normalize(bytes: $0) }
    }

    /// ``normalize(_:)`` on bytes.
    static func normalize(bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: bytes.count) { out, count in
            count = normalize(bytes, into: out)
        }
    }

    /// Writes the normalized form of `bytes` into `out` (at least `bytes.count` long) and
    /// returns its length.
    static func normalize(_ bytes: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var count = 0
        var lastWasBlank = false
        for byte in bytes {
            if isBlank(byte) {
                if !lastWasBlank { out[count] = 0x20; count += 1 }
                lastWasBlank = true
            } else {
                out[count] = lower(byte)
                count += 1
                lastWasBlank = false
            }
        }
        return count
    }

    @inline(__always)
    static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

    @inline(__always)
    static func lower(_ byte: UInt8) -> UInt8 { ASCII.lower(byte) }

    /// Builds the automaton; `patterns` must already be normalized and non-empty.
    init(patterns: [[UInt8]]) {
        var classOf = [UInt8](repeating: 0, count: 256)
        var count = 1  // class 0: bytes that occur in no pattern
        for pattern in patterns {
            for byte in pattern where classOf[Int(byte)] == 0 {
                precondition(count < 256, "too many distinct pattern bytes")
                classOf[Int(byte)] = UInt8(count)
                count += 1
            }
        }
        for upper in UInt8(0x41)...UInt8(0x5A) { classOf[Int(upper)] = classOf[Int(upper | 0x20)] }
        for blank: UInt8 in [0x09, 0x0A, 0x0D] { classOf[Int(blank)] = classOf[0x20] }
        byteClass = classOf
        classCount = count

        // The trie.
        var goto: [Int32] = Array(repeating: -1, count: count)
        var terminal: [Int32] = [-1]
        for (id, pattern) in patterns.enumerated() {
            var state = 0
            for byte in pattern {
                let slot = state * count + Int(classOf[Int(byte)])
                if goto[slot] < 0 {
                    goto[slot] = Int32(terminal.count)
                    terminal.append(-1)
                    goto.append(contentsOf: repeatElement(-1, count: count))
                }
                state = Int(goto[slot])
            }
            if terminal[state] < 0 { terminal[state] = Int32(id) }
        }

        // Failure links by breadth-first search, resolving every transition into a DFA.
        let states = terminal.count
        var fail = [Int32](repeating: 0, count: states)
        var outputLink = [Int32](repeating: -1, count: states)
        var queue: [Int] = []
        queue.reserveCapacity(states)
        for cls in 0..<count {
            if goto[cls] < 0 { goto[cls] = 0 } else { queue.append(Int(goto[cls])) }
        }
        var head = 0
        while head < queue.count {
            let state = queue[head]
            head += 1
            let failState = Int(fail[state])
            outputLink[state] = terminal[failState] >= 0 ? Int32(failState) : outputLink[failState]
            for cls in 0..<count {
                let slot = state * count + cls
                if goto[slot] < 0 {
                    goto[slot] = goto[failState * count + cls]
                } else {
                    let child = Int(goto[slot])
                    fail[child] = goto[failState * count + cls]
                    queue.append(child)
                }
            }
        }
        next = states <= Int(UInt16.max) ? .narrow(goto.map { UInt16(truncatingIfNeeded: $0) }) : .wide(goto)
        self.terminal = terminal
        self.outputLink = outputLink
        lengths = patterns.map(\.count)
    }

    /// Calls `body(pattern, end)` for every occurrence, in increasing order of `end` (an offset into the
    /// normalized text, one past the last byte).
    /// - Complexity: O(n + matches) for n input bytes.
    func forEachMatch(in bytes: UnsafeBufferPointer<UInt8>, _ body: (Int, Int) -> Void) {
        switch next {
        case .narrow(let table): table.withUnsafeBufferPointer { scan(bytes, next: $0, body) }
        case .wide(let table): table.withUnsafeBufferPointer { scan(bytes, next: $0, body) }
        }
    }

    @inline(__always)
    private func scan<T: FixedWidthInteger>(_ bytes: UnsafeBufferPointer<UInt8>, next: UnsafeBufferPointer<T>,
                                            _ body: (Int, Int) -> Void) {
        byteClass.withUnsafeBufferPointer { byteClass in
            terminal.withUnsafeBufferPointer { terminal in
                outputLink.withUnsafeBufferPointer { outputLink in
                    var state = 0
                    var position = 0
                    var lastWasBlank = false
                    for byte in bytes {
                        let blank = PhraseMatcher.isBlank(byte)
                        if blank && lastWasBlank { continue }
                        lastWasBlank = blank
                        position += 1
                        state = Int(next[state &* classCount &+ Int(byteClass[Int(byte)])])
                        var output = terminal[state] >= 0 ? state : Int(outputLink[state])
                        while output >= 0 {
                            body(Int(terminal[output]), position)
                            output = Int(outputLink[output])
                        }
                    }
                }
            }
        }
    }
}
