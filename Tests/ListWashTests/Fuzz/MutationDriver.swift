extension SplitMix64 {
    /// A number in `0..<bound` (`bound` > 0).
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}

/// Makes inputs for a reader from its seeds: each input is a seed with one to four mutations
/// (byte flips, inserts, deletes, splices with another seed, duplicated chunks, long runs of one
/// byte, and the bytes readers split on: CR, LF, quotes, angle brackets, NUL, `@`, …), at most
/// `maxLength` bytes long.
struct MutationDriver {
    let seeds: [[UInt8]]
    let maxLength: Int
    private var rng: SplitMix64

    /// Bytes and short strings that readers treat specially.
    static let tokens: [[UInt8]] = [
        [0x0D], [0x0A], [0x0D, 0x0A], [0x22], [0x27], [0x3C], [0x3E], [0x00], [0x40], [0x2C], [0x3B], [0x09], [0x5C],
        [0xFF], [0xC3], [0xE2, 0x82], [0xEF, 0xBB, 0xBF], [0xFF, 0xFE], [0xFE, 0xFF],
        Array("\"\"".utf8), Array("{".utf8), Array("}".utf8), Array("[".utf8), Array("]".utf8), Array(":".utf8),
        Array("\r\n\r\n".utf8), Array("\n\n".utf8), Array("From ".utf8), Array("\n>From ".utf8),
        Array("<![CDATA[".utf8), Array("]]>".utf8), Array("&amp;".utf8), Array("&#x40;".utf8), Array("&e;".utf8),
        Array("<!DOCTYPE x [<!ENTITY e \"a@b.c\">]>".utf8), Array("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>".utf8),
        Array("</".utf8), Array("/>".utf8), Array("<!--".utf8), Array("-->".utf8), Array("xmlns:a=\"u\" ".utf8),
        Array("Content-Type: multipart/report; boundary=\"B\"\n".utf8), Array("\n--B\n".utf8), Array("\n--B--\n".utf8),
        Array("Content-Transfer-Encoding: base64\n".utf8), Array("Content-Transfer-Encoding: quoted-printable\n".utf8),
        Array("=?utf-8?B?".utf8), Array("=?iso-8859-1?Q?".utf8), Array("?=".utf8), Array("=\n".utf8), Array("=C3=".utf8),
        Array("Final-Recipient: rfc822; ".utf8), Array("Status: 5.1.1\n".utf8), Array("Diagnostic-Code: smtp; 550 ".utf8),
        Array("Action: failed\n".utf8), Array("Feedback-Type: abuse\n".utf8), Array("Content-Type: message/delivery-status\n".utf8),
        Array(" 550 5.1.1 ".utf8), Array(" 4.2.2 ".utf8), Array("5.".utf8), Array("said: ".utf8), Array("(in reply to RCPT TO command)".utf8),
        Array("status=bounced (".utf8), Array("to=<".utf8), Array("dsn=5.1.1, ".utf8), Array("postfix/smtp[1]: ABC123: ".utf8),
        Array("\"Records\":[".utf8), Array("\"event\":\"bounce\",".utf8), Array("\"Message\":\"".utf8), Array("\\\"".utf8), Array("\\u00".utf8),
        Array("9999999999999999999999".utf8), Array("-1".utf8), Array("1e400".utf8), Array("2026-13-45T25:61:61Z".utf8),
        Array("a@b.c".utf8), Array("@@".utf8),
    ]

    init(seeds: [[UInt8]], seed: UInt64, maxLength: Int = 4096) {
        self.seeds = seeds.isEmpty ? [[]] : seeds
        self.maxLength = maxLength
        rng = SplitMix64(seed: seed)
    }

    /// The next input.
    mutating func next() -> [UInt8] {
        var bytes = Array(seeds[rng.below(seeds.count)].prefix(maxLength))
        for _ in 0...rng.below(4) { mutate(&bytes) }
        if bytes.count > maxLength { bytes.removeLast(bytes.count - maxLength) }
        return bytes
    }

    private mutating func position(in bytes: [UInt8]) -> Int { rng.below(bytes.count + 1) }

    private mutating func mutate(_ bytes: inout [UInt8]) {
        switch rng.below(10) {
        case 0 where !bytes.isEmpty:  // flip a bit
            let i = rng.below(bytes.count)
            bytes[i] ^= UInt8(1 << rng.below(8))
        case 1 where !bytes.isEmpty:  // replace a byte
            bytes[rng.below(bytes.count)] = UInt8(truncatingIfNeeded: rng.next())
        case 2:  // insert random bytes
            let count = 1 + rng.below(8)
            bytes.insert(contentsOf: (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, at: position(in: bytes))
        case 3 where !bytes.isEmpty:  // delete a range
            let start = rng.below(bytes.count)
            bytes.removeSubrange(start..<min(bytes.count, start + 1 + rng.below(64)))
        case 4:  // splice: this input's start with another seed's end
            let other = seeds[rng.below(seeds.count)]
            let cut = position(in: bytes)
            bytes = Array(bytes[..<cut]) + other[rng.below(other.count + 1)...]
        case 5 where !bytes.isEmpty:  // duplicate a chunk
            let start = rng.below(bytes.count)
            let chunk = Array(bytes[start..<min(bytes.count, start + 1 + rng.below(256))])
            let times = 1 + rng.below(4)
            bytes.insert(contentsOf: Array([[UInt8]](repeating: chunk, count: times).joined()), at: position(in: bytes))
        case 6:  // a long run of one byte
            let runBytes: [UInt8] = [0x61, 0x22, 0x3C, 0x0A, 0x0D, 0x20, 0x40, 0x00, 0x2C, 0x3E, 0x2D, 0x3D, 0x7B, 0x5B]
            let b = rng.below(4) == 0 ? UInt8(truncatingIfNeeded: rng.next()) : runBytes[rng.below(runBytes.count)]
            bytes.insert(contentsOf: [UInt8](repeating: b, count: 16 + rng.below(2048)), at: position(in: bytes))
        case 7, 8:  // a special byte or token
            bytes.insert(contentsOf: Self.tokens[rng.below(Self.tokens.count)], at: position(in: bytes))
        default:  // cut the end off
            bytes.removeLast(rng.below(bytes.count + 1) / 2)
        }
    }
}
