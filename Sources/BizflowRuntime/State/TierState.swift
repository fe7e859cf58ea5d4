import Foundation
import SwiftProtobuf

/// What one event's handler sees of its partition's state: reads fall through to the store, writes stay here
/// until the handler succeeds (a failed or retried attempt leaves the store untouched).
public struct TierState: Sendable {
    public let store: PartitionStore
    /// The entries written, each once, in the order first written (nil: deleted). A handler writes a handful: a
    /// scanned array costs less than hashing a dictionary for each.
    private(set) var writes: [(key: StateKey, value: [UInt8]?)] = []

    init(store: PartitionStore) { self.store = store }

    public var partition: Int32 { store.partition }

    /// Raw bytes of an entry, nil when absent.
    public func bytes(_ store: String, _ key: String) -> [UInt8]? {
        if let index = writes.firstIndex(where: { $0.key.key == key && $0.key.store == store }) { return writes[index].value }
        return self.store[StateKey(store, key)]
    }

    /// Sets (or with nil deletes) an entry.
    public mutating func setBytes(_ value: [UInt8]?, _ store: String, _ key: String) {
        if let index = writes.firstIndex(where: { $0.key.key == key && $0.key.store == store }) {
            writes[index].value = value
        } else {
            writes.append((StateKey(store, key), value))
        }
    }

    /// A Codable value (stored with `StateEncoder`).
    public func value<T: Decodable>(_ type: T.Type, _ store: String, _ key: String) -> T? {
        guard let bytes = bytes(store, key), !bytes.isEmpty else { return nil }
        return try? StateDecoder().decode(T.self, from: bytes)
    }

    /// An integer entry (a counter), read without the Codable machinery when it can be.
    public func int(_ store: String, _ key: String) -> Int? {
        guard let bytes = bytes(store, key), !bytes.isEmpty else { return nil }
        if let value = StateDecoder.integer(bytes) { return Int(exactly: value) }
        return value(Int.self, store, key)
    }

    public mutating func set<T: Encodable>(_ value: T?, _ store: String, _ key: String) {
        setBytes(value.map { (try? StateEncoder().encode($0)) ?? [] }, store, key)
    }

    /// A protobuf-encoded value.
    public func message<M: SwiftProtobuf.Message>(_ type: M.Type, _ store: String, _ key: String) -> M? {
        encodedMessage(type, store, key)?.message
    }

    /// A protobuf-encoded value and the bytes it was read from (for a tier that writes it on as is).
    public func encodedMessage<M: SwiftProtobuf.Message>(_ type: M.Type, _ store: String, _ key: String)
        -> (message: M, bytes: [UInt8])?
    {
        guard let bytes = bytes(store, key), !bytes.isEmpty, let message = try? M(serializedBytes: bytes) else { return nil }
        return (message, bytes)
    }

    public mutating func setMessage<M: SwiftProtobuf.Message>(_ value: M?, _ store: String, _ key: String) {
        setBytes(value.map { (try? $0.serializedBytes()) ?? [] }, store, key)
    }

    /// Schedules (or replaces) a durable timer.
    public mutating func schedule(_ timer: DurableTimer) {
        setBytes(timer.bytes, DurableTimer.store, timer.id)
    }

    /// Cancels a timer by key and name; a no-op when it is not scheduled.
    public mutating func cancelTimer(key: String, name: String) {
        let id = DurableTimer(name: name, key: key, due: Date(), tenantID: "").id
        if bytes(DurableTimer.store, id) != nil { setBytes(nil, DurableTimer.store, id) }
    }

    /// The scheduled timer of a key and name, if any.
    public func timer(key: String, name: String) -> DurableTimer? {
        let id = DurableTimer(name: name, key: key, due: Date(), tenantID: "").id
        return bytes(DurableTimer.store, id).flatMap { DurableTimer(bytes: $0) }
    }
}

extension TierState {
    /// State over an empty store of its own, for calling a tier outside a runner (unit tests, tools).
    public static func detached(partition: Int32 = 0) -> TierState { TierState(store: PartitionStore(partition: partition)) }
}
