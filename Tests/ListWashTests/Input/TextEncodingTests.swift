import Testing
@testable import ListWash

/// Reads everything `source` hands out.
func drain(_ source: ByteSource) throws -> [UInt8] {
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 7)
    while true {
        let n = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
        if n == 0 { return out }
        out += buffer[0..<n]
    }
}

/// UTF-16 code units of `text` as bytes, little- or big-endian.
func utf16Bytes(_ text: String, bigEndian: Bool = false) -> [UInt8] {
    text.utf16.flatMap { u in bigEndian ? [UInt8(u >> 8), UInt8(u & 0xFF)] : [UInt8(u & 0xFF), UInt8(u >> 8)] }
}

@Suite struct TextEncodingTests {
    static let splits: [[Int]] = [[1 << 20], [1], [2], [3], [5, 1, 2], [7, 3, 11, 1]]

    @Test func utf16ByteOrderMarksAreDetectedAndDecodedHoweverTheInputIsSplit() throws {
        let text = "email,name\r\nzoë@example.com,\"Zoë 𝄞\"\r\n"
        for bigEndian in [false, true] {
            let bytes = (bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]) + utf16Bytes(text, bigEndian: bigEndian)
            for split in Self.splits {
                let source = TranscodingByteSource(MemoryByteSource(bytes, chunkSizes: split), declared: nil, chunkSize: 16)
                #expect(try drain(source) == [0xEF, 0xBB, 0xBF] + Array(text.utf8))
                #expect(source.encoding == (bigEndian ? .utf16BE : .utf16LE))
                #expect(source.invalidSequenceCount == 0)
            }
        }
    }

    @Test func utf16WithoutByteOrderMarkTakesTheByteOrderFromTheZeroBytes() throws {
        let text = "email\nli.wei@example.net\n"
        let le = TranscodingByteSource(MemoryByteSource(utf16Bytes(text)), declared: .utf16)
        #expect(try drain(le) == Array(text.utf8))
        #expect(le.encoding == .utf16LE)
        let be = TranscodingByteSource(MemoryByteSource(utf16Bytes(text, bigEndian: true)), declared: .utf16)
        #expect(try drain(be) == Array(text.utf8))
        #expect(be.encoding == .utf16BE)
        // Undeclared, the zero bytes give it away too; a UTF-8 file stays UTF-8.
        let undeclared = TranscodingByteSource(MemoryByteSource(utf16Bytes(text, bigEndian: true)), declared: nil)
        #expect(try drain(undeclared) == Array(text.utf8))
        #expect(undeclared.encoding == .utf16BE)
        let plain = TranscodingByteSource(MemoryByteSource(Array(text.utf8)), declared: nil)
        #expect(try drain(plain) == Array(text.utf8))
        #expect(plain.encoding == .utf8)
    }

    @Test func windows1252AndLatin1RoundTripEveryByte() throws {
        let all = (0...255).map { UInt8($0) }
        for encoding in [TextEncoding.windows1252, .latin1] {
            for split in Self.splits {
                let decoded = try drain(TranscodingByteSource(MemoryByteSource(all, chunkSizes: split), declared: encoding, chunkSize: 16))
                #expect(String(validating: decoded, as: UTF8.self) != nil)
                var back: [UInt8] = []
                #expect(decoded.withUnsafeBytes { encoding.encode(utf8: $0, into: &back) })
                #expect(back == all)
            }
        }
        let sample: [UInt8] = [0xE9, 0x80, 0x9F, 0x81]
        #expect(try drain(TranscodingByteSource(MemoryByteSource(sample), declared: .windows1252)) == Array("é€Ÿ\u{81}".utf8))
        #expect(try drain(TranscodingByteSource(MemoryByteSource(sample), declared: .latin1)) == Array("é\u{80}\u{9F}\u{81}".utf8))
    }

    @Test func charactersAnEncodingCannotHoldAreRefusedNotMangled() {
        var out: [UInt8] = []
        #expect(!Array("€".utf8).withUnsafeBytes { TextEncoding.latin1.encode(utf8: $0, into: &out) })
        #expect(!Array("Ā".utf8).withUnsafeBytes { TextEncoding.windows1252.encode(utf8: $0, into: &out) })
        #expect(![UInt8]([0xC3]).withUnsafeBytes { TextEncoding.utf16LE.encode(utf8: $0, into: &out) })
    }

    @Test func invalidUTF16IsCountedAndReplacedNotFatal() throws {
        // "a", a lone high surrogate, "b", a lone low surrogate, then an odd final byte.
        let bytes: [UInt8] = [0xFF, 0xFE, 0x61, 0x00, 0x00, 0xD8, 0x62, 0x00, 0x00, 0xDC, 0x41]
        for split in Self.splits {
            let source = TranscodingByteSource(MemoryByteSource(bytes, chunkSizes: split), declared: nil, chunkSize: 16)
            #expect(try drain(source) == [0xEF, 0xBB, 0xBF] + Array("a\u{FFFD}b\u{FFFD}\u{FFFD}".utf8))
            #expect(source.invalidSequenceCount == 3)
            #expect(source.takeInvalidSequences(before: 4) == false)
            #expect(source.takeInvalidSequences(before: 5) == true)
            #expect(source.takeInvalidSequences(before: 100) == true)
            #expect(source.takeInvalidSequences(before: 200) == false)
        }
    }

    @Test func declaredUTF8IsCheckedAndPassedThroughUnchanged() throws {
        let bytes: [UInt8] = Array("ok é\n".utf8) + [0xC3, 0x28, 0x0A, 0xED, 0xA0, 0x80, 0x0A, 0xF0, 0x9F, 0x98, 0x80, 0x0A, 0xE2, 0x82]
        for split in Self.splits {
            let source = TranscodingByteSource(MemoryByteSource(bytes, chunkSizes: split), declared: .utf8, chunkSize: 16)
            #expect(try drain(source) == bytes)
            // C3 28: one error; ED A0 80 (an encoded surrogate): three, one per maximal subpart;
            // the truncated E2 82 at the end: one.
            #expect(source.invalidSequenceCount == 5)
        }
        // Undeclared, the same bytes are checked in place, to the same count, and marked as
        // text whose encoding nobody named.
        let undeclared = TranscodingByteSource(MemoryByteSource(bytes), declared: nil)
        #expect(try drain(undeclared) == bytes)
        #expect(undeclared.invalidSequenceCount == 5)
        #expect(undeclared.isUndeclaredUTF8)
        #expect(!undeclared.isTranscoding)
    }

    @Test func aByteOrderMarkOverridesTheDeclaredEncoding() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("email\n".utf8)
        let source = TranscodingByteSource(MemoryByteSource(bytes), declared: .windows1252)
        #expect(try drain(source) == bytes)
        #expect(source.encoding == .utf8)
    }

    @Test func encodingNamesAcceptTheUsualSpellings() {
        #expect(TextEncoding(name: "UTF8") == .utf8)
        #expect(TextEncoding(name: "cp1252") == .windows1252)
        #expect(TextEncoding(name: "ISO-8859-1") == .latin1)
        #expect(TextEncoding(name: "utf-16LE") == .utf16LE)
        #expect(TextEncoding(name: "ebcdic") == nil)
    }
}
