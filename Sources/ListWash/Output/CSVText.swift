/// RFC 4180 field quoting for the CSV files listwash writes itself.
public enum CSVText {
    /// Appends `value` to `out`, quoted when it holds the delimiter, a quote, CR or LF, or
    /// starts or ends with a blank.
    public static func appendField(_ value: some BidirectionalCollection<UInt8>, to out: inout [UInt8], delimiter: UInt8 = UInt8(ascii: ",")) {
        let quote = UInt8(ascii: "\"")
        let needsQuotes = value.contains { $0 == delimiter || $0 == quote || $0 == 0x0A || $0 == 0x0D }
            || (value.first.map(AddressRules.isBlank) ?? false) || (value.last.map(AddressRules.isBlank) ?? false)
        guard needsQuotes else {
            out.append(contentsOf: value)
            return
        }
        out.append(quote)
        for c in value {
            if c == quote { out.append(quote) }
            out.append(c)
        }
        out.append(quote)
    }

    /// One CSV line (LF-terminated) of the given fields.
    public static func line(_ fields: [String]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(fields.reduce(fields.count) { $0 + $1.utf8.count })
        for (i, field) in fields.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            // Through the contiguous UTF-8: scanning `String.UTF8View` byte by byte was most of
            // the cost of `suppressed.csv`'s rows.
            var field = field
            field.withUTF8 { appendField($0, to: &out) }
        }
        out.append(0x0A)
        return out
    }
}
