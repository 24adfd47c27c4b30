import Foundation
import Glibc

/// The ways bounce messages are stored on disk.
public enum MailContainerFormat: String, Sendable, CaseIterable, Codable {
    /// One message per file.
    case eml
    /// Many messages in one file, each starting with a `From ` line (mboxrd/mboxo).
    case mbox
    /// A directory with `cur/` and `new/`, one message per file.
    case maildir
}

/// One message taken out of a container.
public struct MailItem: Sendable {
    /// Where it came from: the file, or `mbox#N` for the N-th message of an mbox.
    public var source: String
    /// The 1-based line of its `From ` separator in an mbox, nil otherwise.
    public var line: Int?
    /// The message's bytes.
    public var bytes: [UInt8]
}

/// Reads the messages of an `.eml` file, an mbox file or a maildir, one at a time.
///
/// Memory stays flat: an mbox is read line by line and a maildir file by file.
public struct MailContainer: Sequence, Sendable {
    /// The path given.
    public let path: String
    /// The container format, detected or forced.
    public let format: MailContainerFormat

    /// Opens `path`, detecting its format unless `format` is given.
    public init(path: String, format: MailContainerFormat? = nil) throws {
        self.path = path
        self.format = try format ?? Self.detect(path: path)
    }

    /// A directory with `cur/` or `new/` is a maildir; a file whose first line starts with
    /// `From ` is an mbox; any other regular file is a single message.
    public static func detect(path: String) throws -> MailContainerFormat {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw MailError.unreadable(file: path, reason: "no such file or directory")
        }
        if isDirectory.boolValue {
            let fm = FileManager.default
            if fm.fileExists(atPath: path + "/cur") || fm.fileExists(atPath: path + "/new") { return .maildir }
            throw MailError.unknownContainer(file: path)
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw MailError.unreadable(file: path, reason: "permission denied")
        }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 5)) ?? Data()
        return Array(head) == Array("From ".utf8) ? .mbox : .eml
    }

    /// The maildir's message files: `cur/` then `new/`, each in sorted name order.
    static func maildirFiles(_ path: String) -> [String] {
        var files: [String] = []
        for sub in ["cur", "new"] {
            let dir = path + "/" + sub
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
            files += names.filter { !$0.hasPrefix(".") }.sorted().map { dir + "/" + $0 }
        }
        return files
    }

    /// Yields the messages lazily.
    public func makeIterator() -> Iterator { Iterator(container: self) }

    /// The lazy iterator; I/O failures end the sequence and are reported in ``Iterator/error``.
    public struct Iterator: IteratorProtocol {
        let container: MailContainer
        var files: [String] = []
        var fileIndex = 0
        var mbox: MboxReader? = nil
        var done = false
        /// The error that ended iteration early, if any.
        public private(set) var error: MailError?

        init(container: MailContainer) {
            self.container = container
            switch container.format {
            case .eml: files = [container.path]
            case .maildir: files = MailContainer.maildirFiles(container.path)
            case .mbox:
                mbox = MboxReader(path: container.path)
                if mbox == nil { error = .unreadable(file: container.path, reason: "cannot open") }
            }
        }

        /// The next message, or nil at the end.
        public mutating func next() -> MailItem? {
            if container.format == .mbox { return mbox?.next() }
            guard fileIndex < files.count else { return nil }
            let file = files[fileIndex]
            fileIndex += 1
            guard let data = FileManager.default.contents(atPath: file) else {
                return MailItem(source: file, line: nil, bytes: [])
            }
            return MailItem(source: file, line: nil, bytes: Array(data))
        }
    }
}

/// Splits an mbox file at `From ` lines (at the start or after an empty line) and undoes
/// `>From ` quoting (mboxrd: one `>` removed from `>+From ` lines).
final class MboxReader {
    private let file: UnsafeMutablePointer<FILE>
    private let path: String
    private var lineNumber = 0
    private var pending: (line: Int, text: [UInt8])? = nil
    private var index = 0

    init?(path: String) {
        guard let f = fopen(path, "rb") else { return nil }
        file = f
        self.path = path
    }

    deinit { fclose(file) }

    private func readLine() -> [UInt8]? {
        var buffer: UnsafeMutablePointer<CChar>? = nil
        var capacity = 0
        defer { free(buffer) }
        let count = getline(&buffer, &capacity, file)
        guard count >= 0, let buffer else { return nil }
        lineNumber += 1
        return UnsafeRawBufferPointer(start: buffer, count: count).map { $0 }
    }

    private static func isSeparator(_ line: [UInt8]) -> Bool { line.starts(with: Array("From ".utf8)) }

    /// A full postmark line, `From sender Thu Jul  2 12:05:05 2020`: a separator even when no blank
    /// line precedes it (mbox files appended to by MTAs that do not end a message with one), as a
    /// body line starting with "From " is quoted in mbox and rarely continues with an address and a weekday.
    static func isPostmark(_ line: [UInt8]) -> Bool {
        guard isSeparator(line) else { return false }
        var i = 5
        let start = i
        while i < line.count, line[i] != 0x20, line[i] != 0x0A, line[i] != 0x0D { i += 1 }
        guard i > start, i < line.count else { return false }
        while i < line.count, line[i] == 0x20 { i += 1 }
        guard i + 4 <= line.count, line[i + 3] == 0x20 else { return false }
        let day = String(decoding: line[i..<(i + 3)], as: UTF8.self)
        return ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].contains(day)
    }

    func next() -> MailItem? {
        var start: Int
        if let p = pending { start = p.line; pending = nil } else {
            // Skip to the first separator.
            while true {
                guard let line = readLine() else { return nil }
                if Self.isSeparator(line) { break }
            }
            start = lineNumber
        }
        var message: [UInt8] = []
        var previousBlank = true
        while let line = readLine() {
            let blank = line == [0x0A] || line == [0x0D, 0x0A]
            if (previousBlank ? Self.isSeparator(line) : Self.isPostmark(line)) && !message.isEmpty {
                pending = (lineNumber, [])
                break
            }
            var content = line[...]
            if content.first == UInt8(ascii: ">") {
                let unquoted = content.drop { $0 == UInt8(ascii: ">") }
                if unquoted.starts(with: Array("From ".utf8)) { content = content.dropFirst() }
            }
            message += content
            previousBlank = blank
        }
        if message.isEmpty && pending == nil { return nil }
        // The blank line before the next separator belongs to the format, not the message.
        if pending != nil, message.last == 0x0A, message.count >= 2, message[message.count - 2] == 0x0A { message.removeLast() }
        index += 1
        return MailItem(source: "\(path)#\(index)", line: start, bytes: message)
    }
}
