import BizflowEvents
import BizflowKafka

extension EventRecord {
    /// A consumed record's event, checked: read in place when its type has a view (`DomainEvent.view`), decoded
    /// otherwise.
    struct ReadEvent {
        var type: any DomainEvent.Type
        /// The message, for types without a view (and bytes their view leaves to swift-protobuf).
        var decoded: (any DomainEvent)?
        /// The record's key, which is the event's own.
        var key: String
        /// What makes the event unusable anywhere (`DomainEvent.basicProblems`).
        var problems: [String]
    }

    /// Reads the event of `message` as `envelope` types it; the record's key must be the event's own key.
    static func read(_ message: KafkaMessage, envelope: EventEnvelope) throws(EventError) -> ReadEvent {
        guard let type = EventCatalog.type(named: envelope.type) else { throw .unknownType(envelope.type) }
        if let view = type.view,
            let read = message.value.withUnsafeBytes({ raw -> ReadEvent? in
                guard let event = view.init(raw) else { return nil }
                var problems: [String] = []
                if event.keyRange.isEmpty { problems.append("\(type.keyField) is required") }
                if event.tenantRange.isEmpty { problems.append("tenant_id is required") }
                let key = String(decoding: UnsafeRawBufferPointer(rebasing: raw[event.keyRange]), as: UTF8.self)
                return ReadEvent(type: type, decoded: nil, key: key, problems: problems)
            })
        {
            try checkKey(message, read)
            return read
        }
        let event = try EventCatalog.decode(message.value, envelope: envelope)
        let read = ReadEvent(type: type, decoded: event, key: event.eventKey, problems: event.basicProblems())
        try checkKey(message, read)
        return read
    }

    /// A record keyed otherwise than by its event's key would be processed in another key's partition. (An event
    /// without a key is `validation_failed`, with the field named, instead.)
    private static func checkKey(_ message: KafkaMessage, _ read: ReadEvent) throws(EventError) {
        guard !read.key.isEmpty, message.key.map({ $0.elementsEqual(read.key.utf8) }) != true else { return }
        throw .keyMismatch(
            type: read.type.eventType, field: read.type.keyField, recordKey: message.keyString, eventKey: read.key)
    }
}
