import CRdKafka
import Foundation
import Logging

/// Reads partitions from their first record (or a given offset) to their current end, outside any consumer group:
/// what a tier needs to rebuild its state from a changelog. Blocking calls run on a dedicated queue.
public enum PartitionReader {
    /// Every record of `partitions` up to each one's end, in offset order per partition.
    public static func readAll(
        _ partitions: [TopicPartition], kafka: KafkaConfig, readCommitted: Bool = true, logger: Logger,
        timeout: Duration = .seconds(60)
    ) async throws -> [KafkaMessage] {
        try await read(from: [:], partitions, kafka: kafka, readCommitted: readCommitted, logger: logger, timeout: timeout)
            .records
    }

    /// What a read from given offsets found.
    public struct Tail: Sendable {
        /// The records from the start offset to the end, in offset order per partition.
        public var records: [KafkaMessage]
        /// Each partition's watermarks when the read began: the first offset still held and the next offset.
        public var watermarks: [TopicPartition: (low: Int64, high: Int64)]
    }

    /// The records of `partitions` from `starts` (where given, else the beginning) to each one's end, with the
    /// watermarks; a start at or beyond the end reads nothing.
    public static func read(
        from starts: [TopicPartition: Int64], _ partitions: [TopicPartition], kafka: KafkaConfig,
        readCommitted: Bool = true, logger: Logger, timeout: Duration = .seconds(60)
    ) async throws -> Tail {
        guard !partitions.isEmpty else { return Tail(records: [], watermarks: [:]) }
        let conf = try kafka.makeConf([
            // Assign-only: the id is never joined or committed to, it only satisfies librdkafka.
            "group.id": "bizflow-reader-\(UUID().uuidString.prefix(8))",
            "enable.auto.commit": "false",
            "enable.partition.eof": "true",
            "auto.offset.reset": "earliest",
            "isolation.level": readCommitted ? "read_committed" : "read_uncommitted",
        ])
        let handle = try ClientHandle(type: RD_KAFKA_CONSUMER, conf: conf, logger: logger)
        let queue = BlockingQueue(label: "bizflow.partition-reader")
        let limitMs = timeout.milliseconds
        return try await queue.run { try read(handle, partitions, starts: starts, limitMs: limitMs) }
    }

    private static func read(
        _ handle: ClientHandle, _ partitions: [TopicPartition], starts: [TopicPartition: Int64], limitMs: Int32
    ) throws -> Tail {
        let rk = handle.rk
        rd_kafka_poll_set_consumer(rk)
        defer {
            rd_kafka_consumer_close(rk)  // the handle destroys the client when released
            handle.drainLogs()
        }
        // Empty partitions (and starts at the end) never report an end: skip them by their watermarks first.
        var remaining = Set<TopicPartition>()
        var watermarks: [TopicPartition: (low: Int64, high: Int64)] = [:]
        for tp in partitions {
            var low: Int64 = 0
            var high: Int64 = 0
            try RdKafka.check(
                rd_kafka_query_watermark_offsets(rk, tp.topic, tp.partition, &low, &high, 10_000),
                "read the watermarks of \(tp)")
            watermarks[tp] = (low, high)
            if high > max(low, starts[tp] ?? low) { remaining.insert(tp) }
        }
        guard !remaining.isEmpty else { return Tail(records: [], watermarks: watermarks) }
        let list = TopicPartitionList.make(Array(remaining), offsets: Dictionary(
            uniqueKeysWithValues: remaining.map { ($0, starts[$0] ?? Int64(RD_KAFKA_OFFSET_BEGINNING)) }))
        defer { rd_kafka_topic_partition_list_destroy(list) }
        try RdKafka.check(rd_kafka_assign(rk, list), "assign \(remaining.count) partitions to read")
        let queue = rd_kafka_queue_get_consumer(rk)
        defer { rd_kafka_queue_destroy(queue) }
        var slots = [UnsafeMutablePointer<rd_kafka_message_t>?](repeating: nil, count: 1000)
        var names = RecordNames()
        var records: [KafkaMessage] = []
        let start = ContinuousClock.now
        while !remaining.isEmpty {
            if (ContinuousClock.now - start).milliseconds > limitMs {
                throw KafkaError.local(
                    "read \(remaining.sorted())", "the end was not reached in \(limitMs) ms: is the broker reachable?")
            }
            handle.drainLogs()
            let n = slots.withUnsafeMutableBufferPointer {
                rd_kafka_consume_batch_queue(queue, 200, $0.baseAddress, $0.count)
            }
            guard n > 0 else { continue }
            for i in 0..<n {
                guard let message = slots[i] else { continue }
                defer { rd_kafka_message_destroy(message) }
                let err = message.pointee.err
                if err == RD_KAFKA_RESP_ERR__PARTITION_EOF {
                    remaining.remove(TopicPartition(names.topic(message.pointee.rkt), message.pointee.partition))
                    continue
                }
                try RdKafka.check(err, "read a changelog record")
                records.append(KafkaConsumer.convert(message, names: &names))
            }
        }
        return Tail(records: records, watermarks: watermarks)
    }
}
