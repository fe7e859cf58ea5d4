import BizflowEvents
import BizflowKafka

/// The one mapping between events (protobuf payload + CloudEvents envelope) and Kafka records.
public enum EventRecord {
    /// A record for `event`: keyed by its event key, with the envelope as headers; `payload` is the event's encoding
    /// when the caller already has it.
    public static func make(
        _ event: any DomainEvent, envelope: EventEnvelope, topic: String, payload: [UInt8]? = nil
    ) throws -> ProducerMessage {
        make(value: try payload ?? event.serializedBytes(), key: event.eventKey, envelope: envelope, topic: topic)
    }

    /// A record for an emitted event: its encoding as written, or its message encoded now; `formattedTime` is the
    /// envelope's time as `ce_time` text when the caller has it.
    public static func make(_ emit: Emit, envelope: EventEnvelope, formattedTime: String? = nil) throws -> ProducerMessage {
        make(
            value: try emit.encoded ?? emit.event.serializedBytes(), key: emit.recordKey, envelope: envelope, topic: emit.topic,
            formattedTime: formattedTime)
    }

    static func make(
        value: [UInt8], key: String, envelope: EventEnvelope, topic: String, formattedTime: String? = nil
    ) -> ProducerMessage {
        ProducerMessage(
            topic: topic, key: Array(key.utf8), value: value,
            headers: envelope.headers(formattedTime: formattedTime) { KafkaHeader($0, $1) })
    }

    /// A record for an external input: a new envelope with the event's own tenant.
    public static func make(_ event: any DomainEvent, source: String, topic: String) throws -> (ProducerMessage, EventEnvelope) {
        let envelope = EventEnvelope(source: source, type: type(of: event).eventType, tenantID: event.tenantID)
        return (try make(event, envelope: envelope, topic: topic), envelope)
    }

    /// Reads the envelope and decodes the payload of a consumed record.
    public static func decode(_ message: KafkaMessage) throws(EventError) -> (EventEnvelope, any DomainEvent) {
        let envelope = try envelope(of: message)
        return (envelope, try EventCatalog.decode(message.value, envelope: envelope))
    }

    /// Reads only the envelope (the headers) of a consumed record.
    public static func envelope(of message: KafkaMessage) throws(EventError) -> EventEnvelope {
        let headers = message.headers
        return try EventEnvelope(headerCount: headers.count) { (key: headers[$0].key, text: headers[$0].text) }
    }
}
