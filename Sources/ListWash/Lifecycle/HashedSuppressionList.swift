/// A suppression list shared as digests (``SuppressionListExport`` writes one): lower-case or
/// upper-case hex, one digest a line, blank lines ignored. `clean --suppress-hashed` removes
/// every list row whose normalised address has a digest in it (rule `hashed_list`).
///
/// The digest is told by the lines' length: 32 hex digits MD5, 64 SHA-256, or HMAC-SHA-256
/// when a key is given. Every line must have the same length.
public struct HashedSuppressionList: Sendable {
    /// Errors reading the file; they name the file and line, never a line's text.
    public enum LoadError: Error, Equatable, CustomStringConvertible {
        case notHex(path: String, line: Int)
        case mixedLengths(path: String, line: Int)
        case wrongLength(path: String, line: Int, digits: Int)

        public var description: String {
            switch self {
            case let .notHex(path, line): return "\(path):\(line): not a hex digest"
            case let .mixedLengths(path, line): return "\(path):\(line): a digest of another length than the lines before"
            case let .wrongLength(path, line, digits):
                return "\(path):\(line): \(digits) hex digits is neither MD5 (32) nor SHA-256 / HMAC-SHA-256 (64)"
            }
        }
    }

    /// The digest the list holds.
    public let digest: AddressDigest
    private let key: [UInt8]
    private let digests: Set<[UInt8]>

    /// How many digests the list holds.
    public var count: Int { digests.count }

    /// Reads `path`; `key` is the HMAC key of a list of HMAC-SHA-256 digests.
    public init(path: String, key: [UInt8] = []) throws {
        try self.init(bytes: FileByteSource.readAll(path: path), path: path, key: key)
    }

    init(bytes: [UInt8], path: String, key: [UInt8]) throws {
        var digests = Set<[UInt8]>()
        var length: Int?
        var lineNumber = 0
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNumber += 1
            let text = line.last == 0x0D ? line.dropLast() : line[...]
            guard !text.isEmpty else { continue }
            guard text.count % 2 == 0, let raw = Self.unhex(text) else { throw LoadError.notHex(path: path, line: lineNumber) }
            guard text.count == 32 || text.count == 64 else { throw LoadError.wrongLength(path: path, line: lineNumber, digits: text.count) }
            if let length, length != text.count { throw LoadError.mixedLengths(path: path, line: lineNumber) }
            length = text.count
            digests.insert(raw)
        }
        self.digests = digests
        self.key = key
        digest = length == 32 ? .md5 : key.isEmpty ? .sha256 : .hmacSHA256
    }

    /// Whether the list holds the digest of `address` (normalised first).
    public func contains(_ address: some Collection<UInt8>) -> Bool {
        !digests.isEmpty && digests.contains(digest.digest(AddressDigest.normalize(address), key: key))
    }

    private static func unhex(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: return c - 0x30
            case 0x61...0x66: return c - 0x57
            case 0x41...0x46: return c - 0x37
            default: return nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(text.count / 2)
        var i = text.startIndex
        while i < text.endIndex {
            guard let hi = value(text[i]), let lo = value(text[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }
}

extension Decision {
    /// The decision for an address found on a hashed suppression list.
    public static let hashedList = Decision(rule: .hashedList, reason: "hashed_list", kind: "", evidence: [], firstSeen: nil, lastSeen: nil)
}
