/// The delimiter (and quote) of a CSV file.
public struct CSVDialect: Sendable, Equatable {
    public var delimiter: UInt8
    public var quote: UInt8

    public init(delimiter: UInt8, quote: UInt8 = UInt8(ascii: "\"")) {
        self.delimiter = delimiter
        self.quote = quote
    }

    /// The delimiters real exports use, in order of preference on a tie.
    public static let candidates: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t"), UInt8(ascii: "|")]

    /// Picks the delimiter from the start of a file: the candidate that splits the header line
    /// into the most fields (outside quotes) and, where the next lines are whole in the sample,
    /// splits them into the same number. Falls back to `,`.
    public static func sniff(_ sample: UnsafeRawBufferPointer) -> CSVDialect {
        let quote = UInt8(ascii: "\"")
        // Counts per candidate for up to the first 5 lines, outside quotes.
        var lines: [[Int]] = []
        var counts = [Int](repeating: 0, count: candidates.count)
        var inQuotes = false
        var i = 0
        while i < sample.count, lines.count < 5 {
            let c = sample[i]
            if c == quote {
                inQuotes.toggle()
            } else if !inQuotes, c == 0x0A || c == 0x0D {
                lines.append(counts)
                counts = [Int](repeating: 0, count: candidates.count)
                if c == 0x0D, i + 1 < sample.count, sample[i + 1] == 0x0A { i += 1 }
            } else if !inQuotes, let k = candidates.firstIndex(of: c) {
                counts[k] += 1
            }
            i += 1
        }
        if lines.isEmpty { lines.append(counts) }
        let header = lines[0]
        var best = 0
        var bestScore = (0, 0)
        for k in candidates.indices where header[k] > 0 {
            let consistent = lines.dropFirst().filter { $0[k] == header[k] }.count
            let score = (consistent, header[k])
            if score > bestScore {
                bestScore = score
                best = k
            }
        }
        return CSVDialect(delimiter: candidates[best])
    }

    /// A name for reports: `,` `;` `tab` `|`.
    public var delimiterName: String {
        delimiter == 0x09 ? "tab" : String(UnicodeScalar(delimiter))
    }
}
