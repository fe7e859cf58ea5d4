import BizflowEvents

/// An event a tier wants written: the runtime adds the envelope (caused by the input, with a deterministic id) and
/// writes it in the batch's transaction.
public struct Emit: Sendable {
    /// Where it goes; empty: the one topic the tier produces (in the topology) that carries its type.
    public var topic: String
    /// The event's message type (its `ce_type`).
    public let type: any DomainEvent.Type
    /// Overrides the record key (default: the event's own key), e.g. SKU-keyed reservation requests.
    public var key: String?
    /// The event's encoding when the tier wrote it itself; the runtime writes these bytes instead of encoding `event`.
    public internal(set) var encoded: [UInt8]?
    private var message: (any DomainEvent)?

    /// An event for the topic of the tier's `produces` (in the topology) that carries its type: no topic name in the
    /// tier's code.
    public init(_ event: any DomainEvent, key: String? = nil) {
        self.init(event, to: "", key: key)
    }

    public init(_ event: any DomainEvent, to topic: String, key: String? = nil) {
        self.topic = topic
        self.type = Swift.type(of: event)
        self.message = event
        self.key = key
    }

    /// An event the tier wrote as bytes (`WireWriter`), keyed by `key`: nothing is decoded or encoded again.
    public init(encoded: [UInt8], of type: any DomainEvent.Type, key: String, to topic: String = "") {
        self.topic = topic
        self.type = type
        self.key = key
        self.encoded = encoded
    }

    /// The event as a message (decoded from `encoded` when the tier wrote only bytes).
    public var event: any DomainEvent {
        if let message { return message }
        return (try? type.init(serializedBytes: encoded ?? [])) ?? type.init()
    }

    /// The record key: `key`, or the event's own.
    var recordKey: String { key ?? event.eventKey }
}
