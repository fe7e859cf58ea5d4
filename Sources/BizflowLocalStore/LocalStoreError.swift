/// A local state store operation failed: the operation, the store's directory and the library's reason.
public struct LocalStoreError: Error, CustomStringConvertible, Sendable {
    public var operation: String
    public var path: String
    public var reason: String
    /// Whether the files are unusable as they are (corrupt, truncated, another format): wiping them and restoring from
    /// the changelog is the remedy.
    public var isCorrupt: Bool

    public init(_ operation: String, path: String, reason: String, isCorrupt: Bool = false) {
        self.operation = operation
        self.path = path
        self.reason = reason
        self.isCorrupt = isCorrupt
    }

    public var description: String {
        "cannot \(operation) (state store at \(path)): \(reason)"
            + (isCorrupt ? "; the store is restored from its changelog when the directory is wiped" : "")
    }
}
