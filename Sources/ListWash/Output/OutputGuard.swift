#if canImport(Glibc)
import Glibc
#endif

/// Refuses a run whose outputs would replace one of its own inputs (`clean --list
/// out/cleaned.csv --out out`): the output set would be written from the very file it replaces.
enum OutputGuard {
    /// Throws ``CleanError/outputReplacesInput(input:output:)`` when an input is one of the
    /// files `outputDirectory` shows (the same file, by device and inode, through any path or
    /// link) or lies inside one of its sets or staging folders (which a run removes).
    static func refuseOverwrites(inputs: [String], outputDirectory: String) throws {
        let folder = resolved(outputDirectory)
        for input in inputs {
            guard let identity = identity(of: input) else { continue }
            for name in OutputDirectory.outputNames {
                let output = "\(outputDirectory)/\(name)"
                if let other = self.identity(of: output), other == identity {
                    throw CleanError.outputReplacesInput(input: input, output: output)
                }
            }
            if let folder, let path = resolved(input), path.hasPrefix(folder + "/.listwash-") {
                throw CleanError.outputReplacesInput(input: input, output: outputDirectory)
            }
        }
    }

    /// A file's device and inode, following links.
    private static func identity(of path: String) -> [UInt64]? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return [UInt64(info.st_dev), UInt64(info.st_ino)]
    }

    /// The canonical absolute path, or nil when it does not exist.
    private static func resolved(_ path: String) -> String? {
        guard let real = realpath(path, nil) else { return nil }
        defer { free(real) }
        return String(cString: real)
    }
}
