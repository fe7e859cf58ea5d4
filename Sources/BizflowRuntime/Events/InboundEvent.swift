import BizflowEvents
import BizflowKafka

/// A consumed record, decoded: what a tier's actor is handed.
public struct InboundEvent: Sendable {
    public let envelope: EventEnvelope
    public let event: any DomainEvent
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

    public init(
        envelope: EventEnvelope, event: any DomainEvent, topic: String, partition: Int32, offset: Int64, key: String,
        replayed: Bool = false, payload: [UInt8]? = nil
    ) {
        self.envelope = envelope
        self.event = event
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.replayed = replayed
        self.payload = payload
    }
}
