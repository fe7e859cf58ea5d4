/// How one partition's state was restored: from a local checkpoint (reading the changelog's tail) or fully, and why.
public struct RestoreNote: Sendable, Equatable {
    public var partition: Int32
    /// Whether a local store's checkpoint was used, so only the changelog's tail was read.
    public var fromCheckpoint: Bool
    /// Why a local store could not be used (nil: it was, or the state is kept in memory).
    public var reason: String?
    /// Changelog records read.
    public var records: Int
}
