import BizflowKafka
import Foundation

/// Dead-letter records: the original key, value and headers, plus headers saying where it came from and why it
/// failed. Reasons name the problem, never the payload.
public enum DeadLetter {
    public enum Header {
        public static let topic = "bizflow.dlq.topic"
        public static let partition = "bizflow.dlq.partition"
        public static let offset = "bizflow.dlq.offset"
        public static let errorClass = "bizflow.dlq.error-class"
        public static let reason = "bizflow.dlq.reason"
        public static let attempts = "bizflow.dlq.attempts"
        public static let tier = "bizflow.dlq.tier"
        public static let time = "bizflow.dlq.time"
        /// On a replayed record: the tier it is replayed for (other tiers reading the topic skip it).
        public static let replayFor = "bizflow.replay.tier"
        static let all: Set<String> = [topic, partition, offset, errorClass, reason, attempts, tier, time, replayFor]
    }

    /// The dead-letter record of `message`.
    public static func record(
        for message: KafkaMessage, tier: String, errorClass: String, reason: String, attempts: Int, time: Date
    ) -> ProducerMessage {
        var headers = message.headers.filter { !Header.all.contains($0.key) }
        func add(_ name: String, _ value: String) { headers.append(KafkaHeader(name, Array(value.utf8))) }
        add(Header.topic, message.topic)
        add(Header.partition, String(message.partition))
        add(Header.offset, String(message.offset))
        add(Header.errorClass, errorClass)
        add(Header.reason, String(reason.prefix(1000)))
        add(Header.attempts, String(attempts))
        add(Header.tier, tier)
        add(Header.time, time.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
        return ProducerMessage(
            topic: TierSettings.deadLetterTopic(of: message.topic), key: message.key, value: message.value,
            headers: headers)
    }

    /// The record that re-injects a dead-lettered one into its original topic, for the tier that failed it.
    public static func replay(_ message: KafkaMessage) -> ProducerMessage? {
        guard let topic = message.header(Header.topic) else { return nil }
        var headers = message.headers.filter { !Header.all.contains($0.key) }
        if let tier = message.header(Header.tier) { headers.append(KafkaHeader(Header.replayFor, Array(tier.utf8))) }
        return ProducerMessage(topic: topic, key: message.key, value: message.value, headers: headers)
    }
}

extension KafkaMessage {
    /// The last value of a header, as text.
    public func header(_ name: String) -> String? {
        headers.last { $0.key == name }?.stringValue
    }
}
