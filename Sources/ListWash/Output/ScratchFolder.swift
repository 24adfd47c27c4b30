import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A private folder (`base/prefixXXXXXX`, mode 0700) for a run's scratch files, removed with
/// everything in it by ``remove()`` (`clean --dry-run` runs in one instead of the output folder).
struct ScratchFolder {
    let path: String

    /// The system's temporary folder: `$TMPDIR`, else `/tmp`.
    static var systemTemporaryFolder: String {
        ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
    }

    init(in base: String, prefix: String) throws {
        var template = Array("\(base)/\(prefix)XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw OutputError.cannotCreate(path: base, reason: String(cString: strerror(errno)))
        }
        path = String(cString: made)
    }

    /// Removes the folder and what is in it (errors ignored: it is scratch).
    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
