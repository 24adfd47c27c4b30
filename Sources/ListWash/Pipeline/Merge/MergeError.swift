/// Why `listwash merge` refuses its parts. Messages name folders, files, lines and fields,
/// never the data in them.
public enum MergeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A part folder holds no set of `clean --shard`: no manifest, or a manifest without `shard`.
    case notAShard(path: String, reason: String)
    /// A part does not verify against its own manifest (`listwash verify`'s first finding).
    case partAltered(path: String, finding: String)
    /// A part was made otherwise than the first one (another list, policy, as-of, history, N, …).
    case partsDisagree(path: String, field: String)
    /// The parts were written by another listwash than this one (the merged set would claim this one's version).
    case otherVersion(path: String, version: String, this: String)
    /// Shard `index` of `count` is not among the parts.
    case shardMissing(index: Int, count: Int)
    /// Two parts are the same shard.
    case shardRepeated(index: Int, first: String, second: String)
    /// The list read now is not the list the shards read (its size or SHA-256 differs).
    case listChanged(path: String)
    /// A part's files do not match the list row by row (a row's audit record or cleaned bytes).
    case partInconsistent(path: String, file: String, line: Int?, reason: String)
    /// The output folder is one of the parts (it would replace the part being read).
    case outputIsPart(path: String)

    public var description: String {
        switch self {
        case .notAShard(let path, let reason):
            return "\(path): not an output folder of 'listwash clean --shard': \(reason)"
        case .partAltered(let path, let finding):
            return "\(path): the set differs from its manifest (\(finding)); run 'listwash verify \(path)'"
        case .partsDisagree(let path, let field):
            return "\(path): a part of another run: its \(field) differs from the first part's; merge the parts of one sharded clean"
        case .otherVersion(let path, let version, let this):
            return "\(path): written by listwash \(version); merge the parts with that version (this is \(this))"
        case .shardMissing(let index, let count):
            return "shard \(index)/\(count) is missing: give every part of the run, once each"
        case .shardRepeated(let index, let first, let second):
            return "\(second): shard \(index) again (also \(first)): give every part of the run, once each"
        case .listChanged(let path):
            return "\(path): the list is not the one the shards cleaned (its size or SHA-256 differs from the manifests')"
        case .partInconsistent(let path, let file, let line, let reason):
            return "\(path)/\(file): \(line.map { "list line \($0): " } ?? "")\(reason)"
        case .outputIsPart(let path):
            return "\(path): is one of the parts being merged; write the merged set to another folder with --out"
        }
    }
}
