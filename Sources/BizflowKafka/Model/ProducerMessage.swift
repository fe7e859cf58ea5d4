/// A record to write to Kafka.
public struct ProducerMessage: Sendable {
    public var topic: String
    /// An explicit partition, or nil to let the partitioner choose from the key.
    public var partition: Int32?
    public var key: [UInt8]?
    public var value: [UInt8]
    public var headers: [KafkaHeader]
    /// Milliseconds since the epoch, or nil for "now".
    public var timestampMs: Int64?
    /// A null value (not an empty one): what compaction takes as "delete this key".
    public var isTombstone = false

    public init(
        topic: String, partition: Int32? = nil, key: [UInt8]? = nil, value: [UInt8], headers: [KafkaHeader] = [],
        timestampMs: Int64? = nil
    ) {
        self.topic = topic
        self.partition = partition
        self.key = key
        self.value = value
        self.headers = headers
        self.timestampMs = timestampMs
    }

    public init(topic: String, partition: Int32? = nil, key: String, value: [UInt8], headers: [KafkaHeader] = []) {
        self.init(topic: topic, partition: partition, key: Array(key.utf8), value: value, headers: headers)
    }

    /// A tombstone: compaction removes `key` from the topic.
    public static func tombstone(topic: String, key: String, headers: [KafkaHeader] = []) -> ProducerMessage {
        var message = ProducerMessage(topic: topic, key: key, value: [], headers: headers)
        message.isTombstone = true
        return message
    }
}
