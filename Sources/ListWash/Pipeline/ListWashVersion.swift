/// The version written into manifests and printed by `--version`.
public enum ListWashVersion {
    public static let current = "0.1.0"
}
