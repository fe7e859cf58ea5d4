/// One entry of a partition's state: a named store and a key in it.
public struct StateKey: Hashable, Sendable, CustomStringConvertible {
    public var store: String
    public var key: String

    public init(_ store: String, _ key: String) {
        self.store = store
        self.key = key
    }

    public var description: String { "\(store)/\(key)" }

    /// The record key of one entry in the changelog format before `ChangelogGroup` (restores still read it): store
    /// and key joined by a unit separator, which neither contains.
    var recordKey: [UInt8] { Array(store.utf8) + [0x1f] + Array(key.utf8) }

    init?(recordKey: [UInt8]) {
        guard let split = recordKey.firstIndex(of: 0x1f),
            let store = String(validating: recordKey[..<split], as: UTF8.self),
            let key = String(validating: recordKey[(split + 1)...], as: UTF8.self)
        else { return nil }
        self.init(store, key)
    }
}
