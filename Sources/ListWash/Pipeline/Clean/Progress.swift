/// Progress of a long run, reported to the caller (the CLI draws it when stderr is a terminal).
public struct Progress: Sendable {
    public var rows: Int
    public var bytes: Int
}
