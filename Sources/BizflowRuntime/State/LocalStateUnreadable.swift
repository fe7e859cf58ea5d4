/// A key's entry on local disk could not be decoded: the batch fails and the partition is restored again (a store
/// that fails again is wiped and restored from the changelog).
struct LocalStateUnreadable: Error, CustomStringConvertible {
    var directory: String
    var key: String

    var description: String { "the local state store at \(directory) holds an unreadable entry: it is restored from the changelog" }
}
