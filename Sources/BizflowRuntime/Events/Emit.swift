import BizflowEvents

/// An event a tier wants written: the runtime adds the envelope (caused by the input, with a deterministic id) and
/// writes it in the batch's transaction.
public struct Emit: Sendable {
    public var topic: String
    public var event: any DomainEvent
    /// Overrides the record key (default: the event's own key), e.g. SKU-keyed reservation requests.
    public var key: String?
    /// The event's encoding when the tier built it itself (`init(_:to:key:embedding:asField:clearing:)`); the runtime
    /// writes these bytes instead of encoding `event`.
    public internal(set) var encoded: [UInt8]?

    public init(_ event: any DomainEvent, to topic: String, key: String? = nil) {
        self.topic = topic
        self.event = event
        self.key = key
    }
}
