import BizflowEvents
import BizflowKafka

/// A consumed record: what a tier's actor is handed. Types the hot path reads in place (`DomainEvent.view`) arrive
/// undecoded: a tier reads `payload`, or `event` decodes it then.
public struct InboundEvent: Sendable {
    public let envelope: EventEnvelope
    public let topic: String
    public let partition: Int32
    public let offset: Int64
    public let key: String
    /// True when this record was re-injected from a dead-letter topic.
    public let replayed: Bool
    /// The record's value as received (the event's encoding), when the runtime has it: a tier storing the event
    /// unchanged can keep these bytes rather than encode it again.
    public let payload: [UInt8]?
    /// 1 for the first try, higher when the runtime retries after a transient failure.
    public internal(set) var attempt = 1
    private let decoded: (any DomainEvent)?
    private let type: any DomainEvent.Type

    public init(
        envelope: EventEnvelope, event: any DomainEvent, topic: String, partition: Int32, offset: Int64, key: String,
        replayed: Bool = false, payload: [UInt8]? = nil
    ) {
        self.init(
            envelope, decoded: event, type: Swift.type(of: event), payload, topic, partition, offset, key, replayed)
    }

    /// An event of `type` not decoded yet: its view has read `payload`, which swift-protobuf then decodes too.
    public init(
        envelope: EventEnvelope, undecoded type: any DomainEvent.Type, payload: [UInt8], topic: String, partition: Int32,
        offset: Int64, key: String, replayed: Bool = false
    ) {
        self.init(envelope, decoded: nil, type: type, payload, topic, partition, offset, key, replayed)
    }

    private init(
        _ envelope: EventEnvelope, decoded: (any DomainEvent)?, type: any DomainEvent.Type, _ payload: [UInt8]?,
        _ topic: String, _ partition: Int32, _ offset: Int64, _ key: String, _ replayed: Bool
    ) {
        self.envelope = envelope
        self.decoded = decoded
        self.type = type
        self.payload = payload
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.replayed = replayed
    }

    /// The event as a message: decoded on each read when it arrived undecoded (tiers read it once, if at all).
    public var event: any DomainEvent {
        if let decoded { return decoded }
        // Views read only what swift-protobuf decodes (tested per view), so the empty message is never seen.
        return (try? type.init(serializedBytes: payload ?? [])) ?? type.init()
    }

    /// Whether the event is of `type`, without decoding it.
    public func isEvent(_ type: any DomainEvent.Type) -> Bool { ObjectIdentifier(self.type) == ObjectIdentifier(type) }
}
