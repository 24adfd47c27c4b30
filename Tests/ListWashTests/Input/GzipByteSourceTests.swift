import Foundation
import Testing
@testable import ListWash

/// gzip input: made with the system's `gzip`, read back through ``GzipByteSource``.
@Suite struct GzipByteSourceTests {
    /// `text` gzip-compressed by `/bin/gzip` (`-n`: no name or time in the header).
    static func gzipped(_ text: [UInt8]) throws -> [UInt8] {
        let dir = try TemporaryFolder()
        let path = dir.path + "/in"
        try Data(text).write(to: URL(fileURLWithPath: path))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-n", "-f", path]
        try process.run()
        process.waitUntilExit()
        return Array(try Data(contentsOf: URL(fileURLWithPath: path + ".gz")))
    }

    static func readAll(_ compressed: [UInt8], chunkSizes: [Int] = [1 << 20], bufferSize: Int = 4096) throws -> [UInt8] {
        let source = try GzipByteSource(file: MemoryByteSource(compressed, chunkSizes: chunkSizes), path: "x.gz")
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: bufferSize)
        while true {
            let n = try source.read(into: &buffer)
            if n == 0 { return out }
            out.append(contentsOf: buffer[..<n])
        }
    }

    @Test func decompressesWhateverTheChunksAndConcatenatedMembers() throws {
        let text = Array((0..<20_000).map { "line \($0) 550 5.1.1 user unknown\n" }.joined().utf8)
        let one = try Self.gzipped(text)
        #expect(GzipByteSource.isGzip(one))
        #expect(try Self.readAll(one) == text)
        #expect(try Self.readAll(one, chunkSizes: [1, 7, 300], bufferSize: 13) == text)
        let second = try Self.gzipped(Array("tail\n".utf8))
        #expect(try Self.readAll(one + second) == text + Array("tail\n".utf8))
    }

    @Test func corruptAndTruncatedDataAreErrorsNamingTheFile() throws {
        let compressed = try Self.gzipped(Array(String(repeating: "abc\n", count: 5000).utf8))
        #expect(throws: InputError.unreadable(path: "x.gz", reason: "truncated gzip data")) {
            _ = try Self.readAll(Array(compressed.prefix(compressed.count / 2)))
        }
        var broken = compressed
        broken[12] ^= 0xFF
        broken[13] ^= 0xFF
        #expect(throws: InputError.self) { _ = try Self.readAll(broken) }
        #expect(throws: InputError.unreadable(path: "x.gz", reason: "data after the end of the gzip stream")) {
            _ = try Self.readAll(compressed + Array("junk".utf8))
        }
    }

    @Test func ingestReadsACompressedLogAndDetectsItsFormatInside() throws {
        let dir = try TemporaryFolder()
        let csv = "email,created,reason,status\ngone@example.org,1717236005,550 5.1.1 user unknown,5.1.1\n"
        let path = dir.path + "/bounces.csv.gz"
        try Data(try Self.gzipped(Array(csv.utf8))).write(to: URL(fileURLWithPath: path))
        let job = IngestJob(historyPath: dir.path + "/h.sqlite", policy: Policy(), logger: silentLogger)
        let summary = try job.run(files: [path])
        #expect(summary.map(\.format) == ["sendgrid-suppressions"])
        #expect(summary.map(\.new) == [1])
    }
}
