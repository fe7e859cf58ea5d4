/// An ordered key-value store on local disk: where a tier partition's committed state lives between runs. One
/// writer at a time; keys compare as bytes.
public protocol OrderedKeyValueStore: AnyObject, Sendable {
    /// The value of `key`, nil when absent.
    func get(_ key: [UInt8]) throws(LocalStoreError) -> [UInt8]?
    /// Applies every write (nil deletes) atomically: after a crash, all of them or none.
    func write(_ writes: [(key: [UInt8], value: [UInt8]?)]) throws(LocalStoreError)
    /// Visits entries in key order from the first key ≥ `start`, until `visit` returns false.
    func scan(from start: [UInt8], _ visit: (_ key: [UInt8], _ value: [UInt8]) -> Bool) throws(LocalStoreError)
    /// Forces every write to disk (before a clean close).
    func sync() throws(LocalStoreError)
    /// Entries stored.
    var entryCount: Int { get }
    /// Bytes its files take on disk.
    var bytesOnDisk: Int64 { get }
    /// The longest key it takes.
    var maxKeySize: Int { get }
    /// Releases the files; the store must not be used after.
    func close()
}
