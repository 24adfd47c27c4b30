#if canImport(Glibc)
import Glibc
#endif

/// A set of output files that appears whole or not at all, and is replaced as one.
///
/// The files of a run are written into a private staging folder inside the destination
/// `DIR`. When every file is complete and synced, the folder becomes a *set*
/// (`DIR/.listwash-set-XXXXXX`), and one `rename(2)` of a symbolic link,
/// `DIR/.listwash-current`, switches readers from the previous set to the new one. The names
/// users read, `DIR/cleaned.csv`, `DIR/manifest.json` and the rest, are symbolic links through
/// `.listwash-current`, so at every instant they all resolve into one set: the previous one or
/// the new one, never a mixture, whatever point a run is killed at. The steps are listed in
/// ``CommitStep``.
///
/// A run holds an exclusive lock on `DIR/.listwash.lock` (`flock(2)`, released by the kernel
/// when the process ends, however it ends) from before it writes anything until it has
/// finished, so two runs into one folder never mix their files: the second is refused with
/// ``OutputError/busy(path:pid:)``. Holding the lock, a run first removes what killed runs
/// left behind: staging folders, sets no longer current, half-made links.
///
/// An output folder written by a listwash from before sets (plain files) is adopted as the
/// current set first, by hard links, so that its readers never see a gap either.
public final class OutputDirectory {
    public let path: String
    let staging: String
    private var writers: [OutputFile] = []
    private var finished = false
    private var lockFD: Int32 = -1
    /// Called after each step of ``commit()`` (a test hook: a test kills the process here).
    public var afterStep: ((CommitStep) -> Void)?

    /// The link that names the current set.
    public static let currentLink = ".listwash-current"
    static let lockName = ".listwash.lock"
    static let stagingPrefix = ".listwash-staging-"
    static let setPrefix = ".listwash-set-"
    /// A run the blast-radius guard refused leaves its files here for inspection, until the next run.
    static let refusedPrefix = ".listwash-refused-"
    static let temporaryLinkPrefix = ".listwash-link-"
    /// Every name a set can hold: links of these names are kept pointing into the current set.
    public static let outputNames = ["cleaned.csv", "cleaned.xml", "suppressed.csv", "audit.jsonl", "rejects.csv",
                                     "report.json", "report.html", "manifest.json"]

    /// The steps of switching to a new set, in order. A kill after any of them leaves every
    /// name resolving into one complete set (the previous set until ``switched``, the new one
    /// from then on); the next run into the folder removes what is left over.
    public enum CommitStep: String, CaseIterable, Sendable {
        /// Every file written, flushed and synced in the staging folder.
        case filesSynced = "files-synced"
        /// The staging folder renamed to `.listwash-set-XXXXXX`.
        case setNamed = "set-named"
        /// Plain output files of an earlier listwash made the current set (only when there are any).
        case previousAdopted = "previous-adopted"
        /// `DIR/NAME -> .listwash-current/NAME` exists for every file of the new set.
        case linksPrepared = "links-prepared"
        /// `.listwash-current` renamed over to point at the new set: the switch.
        case switched
        /// The previous set, and links to names the new set does not have, removed.
        case previousRemoved = "previous-removed"
    }

    /// Creates `path` if needed, takes its lock (or throws ``OutputError/busy(path:pid:)``),
    /// removes what killed runs left there, and makes this run's staging folder.
    public init(path: String) throws {
        self.path = path
        if mkdir(path, 0o755) != 0, errno != EEXIST {
            throw OutputError.cannotCreate(path: path, reason: String(cString: strerror(errno)))
        }
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw OutputError.cannotCreate(path: path, reason: "exists and is not a folder")
        }
        lockFD = try Self.lock(path)
        do {
            try Self.removeLeftovers(in: path)
            staging = try Self.makeFolder(in: path, prefix: Self.stagingPrefix)
        } catch {
            Glibc.close(lockFD)
            throw error
        }
    }

    deinit {
        if !finished { discard() }
        if lockFD >= 0 { Glibc.close(lockFD) }
    }

    /// A new file named `name` in the staging folder.
    public func create(_ name: String) throws -> OutputFile {
        let file = try OutputFile(path: "\(staging)/\(name)", name: name)
        writers.append(file)
        return file
    }

    /// Syncs every file and switches the folder's names to the new set in one atomic step
    /// (see ``CommitStep``).
    public func commit() throws {
        for writer in writers { try writer.close() }
        try Self.sync(staging)
        afterStep?(.filesSynced)

        let setName = Self.setPrefix + String(staging.split(separator: "/").last!.dropFirst(Self.stagingPrefix.count))
        try check(rename(staging, "\(path)/\(setName)"), "\(path)/\(setName)")
        finished = true
        try Self.sync(path)
        afterStep?(.setNamed)

        if try adoptPlainFiles() { afterStep?(.previousAdopted) }

        let names = writers.map(\.name)
        for name in names { try link(name) }
        try Self.sync(path)
        afterStep?(.linksPrepared)

        let previous = Self.currentSet(in: path)
        try replace(Self.currentLink, with: setName)
        try Self.sync(path)
        afterStep?(.switched)

        if let previous, previous != setName { Self.removeFlat("\(path)/\(previous)") }
        for name in Self.outputNames where !names.contains(name) && pointsIntoCurrent(name) {
            unlink("\(path)/\(name)")
        }
        try Self.sync(path)
        afterStep?(.previousRemoved)
    }

    /// The name the staging folder gets if the run is refused (see ``refuse()``).
    public var refusedName: String {
        Self.refusedPrefix + String(staging.split(separator: "/").last!.dropFirst(Self.stagingPrefix.count))
    }

    /// Keeps the staging folder's files for inspection as ``refusedName`` instead of making
    /// them the current set: the names users read keep showing the previous set. The next run
    /// into the folder removes it.
    public func refuse() throws {
        for writer in writers { try writer.close() }
        try check(rename(staging, "\(path)/\(refusedName)"), "\(path)/\(refusedName)")
        finished = true
        try Self.sync(path)
    }

    /// Removes the staging folder and everything in it.
    public func discard() {
        for writer in writers {
            try? writer.close()
            unlink(writer.path)
        }
        if !finished { Self.removeFlat(staging) }
        finished = true
    }

    // MARK: The steps

    /// Makes the plain files an earlier listwash left (no `.listwash-current` yet) the current
    /// set: hard links in a new set folder, the current link to it, then each plain file
    /// replaced by its link. Every name shows the same bytes before, during and after.
    private func adoptPlainFiles() throws -> Bool {
        guard Self.currentSet(in: path) == nil else { return false }
        let plain = Self.outputNames.filter { name in
            var info = stat()
            return lstat("\(path)/\(name)", &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
        }
        guard !plain.isEmpty else { return false }
        let folder = try Self.makeFolder(in: path, prefix: Self.setPrefix)
        for name in plain {
            try check(Glibc.link("\(path)/\(name)", "\(folder)/\(name)"), "\(folder)/\(name)")
        }
        try Self.sync(folder)
        try replace(Self.currentLink, with: String(folder.split(separator: "/").last!))
        for name in plain { try link(name) }
        try Self.sync(path)
        return true
    }

    /// Makes `DIR/name` the link `.listwash-current/name`, unless it already is.
    private func link(_ name: String) throws {
        guard !pointsIntoCurrent(name) else { return }
        try replace(name, with: "\(Self.currentLink)/\(name)")
    }

    /// Whether `DIR/name` is the link `.listwash-current/name`.
    private func pointsIntoCurrent(_ name: String) -> Bool {
        Self.readLink("\(path)/\(name)") == "\(Self.currentLink)/\(name)"
    }

    /// Points the link `DIR/name` at `target` in one step: a new link under a temporary name,
    /// renamed over the old name.
    private func replace(_ name: String, with target: String) throws {
        let temporary = "\(path)/\(Self.temporaryLinkPrefix)\(name)"
        unlink(temporary)
        try check(symlink(target, temporary), temporary)
        try check(rename(temporary, "\(path)/\(name)"), "\(path)/\(name)")
    }

    private func check(_ rc: Int32, _ target: String) throws {
        if rc != 0 { throw OutputError.writeFailed(path: target, reason: String(cString: strerror(errno))) }
    }

    // MARK: Helpers

    /// Takes the folder's lock without waiting, and writes this process's id into the lock file.
    private static func lock(_ path: String) throws -> Int32 {
        let lockPath = "\(path)/\(lockName)"
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw OutputError.cannotCreate(path: lockPath, reason: String(cString: strerror(errno))) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            defer { Glibc.close(fd) }
            guard code == EWOULDBLOCK else {
                throw OutputError.cannotCreate(path: lockPath, reason: String(cString: strerror(code)))
            }
            var bytes = [UInt8](repeating: 0, count: 16)
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 15, 0) }
            let text = n > 0 ? String(decoding: bytes[..<n], as: UTF8.self) : ""
            throw OutputError.busy(path: path, pid: Int32(text.split(separator: "\n").first ?? ""))
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        return fd
    }

    /// A new folder `path/prefixXXXXXX` with a unique name. mkdtemp makes it private (0700);
    /// as a set it is read by whoever reads the output folder, as the files in it are, so it
    /// gets 0755 less the umask.
    private static func makeFolder(in path: String, prefix: String) throws -> String {
        var template = Array("\(path)/\(prefix)XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw OutputError.cannotCreate(path: path, reason: String(cString: strerror(errno)))
        }
        let folder = String(cString: made)
        let mask = umask(0)
        umask(mask)
        chmod(folder, 0o755 & ~mask)
        return folder
    }

    /// The set `.listwash-current` names, if there is one.
    static func currentSet(in path: String) -> String? {
        readLink("\(path)/\(currentLink)")
    }

    /// Removes staging folders, sets other than the current one, temporary links (what
    /// killed runs leave behind) and the folder of a run the guard refused. Called holding the lock, so none of them is in use.
    static func removeLeftovers(in path: String) throws {
        let current = currentSet(in: path)
        guard let names = entries(of: path) else {
            throw OutputError.cannotCreate(path: path, reason: String(cString: strerror(errno)))
        }
        for name in names {
            if name.hasPrefix(stagingPrefix) || name.hasPrefix(refusedPrefix) || (name.hasPrefix(setPrefix) && name != current) {
                removeFlat("\(path)/\(name)")
            } else if name.hasPrefix(temporaryLinkPrefix) {
                unlink("\(path)/\(name)")
            }
        }
    }

    /// Removes a folder of plain files (a staging folder or a set).
    static func removeFlat(_ folder: String) {
        for name in entries(of: folder) ?? [] { unlink("\(folder)/\(name)") }
        rmdir(folder)
    }

    /// The names in a folder, without `.` and `..`; nil when it cannot be opened.
    private static func entries(of folder: String) -> [String]? {
        guard let dir = opendir(folder) else { return nil }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    static func readLink(_ path: String) -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBytes { readlink(path, $0.baseAddress!.assumingMemoryBound(to: CChar.self), 4095) }
        guard n > 0 else { return nil }
        return String(decoding: buffer[..<n], as: UTF8.self)
    }

    /// fsync(2) of a folder, so the renames and links in it survive a crash of the machine.
    static func sync(_ folder: String) throws {
        let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw OutputError.writeFailed(path: folder, reason: String(cString: strerror(errno))) }
        defer { Glibc.close(fd) }
        if fsync(fd) != 0 { throw OutputError.writeFailed(path: folder, reason: String(cString: strerror(errno))) }
    }
}
