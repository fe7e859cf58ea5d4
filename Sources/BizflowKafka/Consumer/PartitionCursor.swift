import CRdKafka
import Foundation
import Logging

/// Reads partitions from given offsets (else their first record) to their current ends a chunk at a time, outside
/// any consumer group: a restore takes each chunk in before the next is read, so it never holds a whole changelog.
/// One task uses a cursor at a time; its blocking calls run on a queue of its own.
public final class PartitionCursor: @unchecked Sendable {
    /// Each partition's watermarks when the read began: the first offset still held and the next offset.
    public let watermarks: [TopicPartition: (low: Int64, high: Int64)]
    private let handle: ClientHandle
    private let blocking: BlockingQueue
    private let idleLimitMs: Int32
    // Touched only on `blocking`.
    private var remaining: Set<TopicPartition>
    private var consumerQueue: OpaquePointer?
    private var names = RecordNames()
    private var closed = false

    /// Opens a cursor over `partitions` from `starts` (where given); a start at or beyond the end reads nothing.
    /// `timeout`: how long a chunk may wait for its first record before the read fails.
    public static func open(
        from starts: [TopicPartition: Int64], _ partitions: [TopicPartition], kafka: KafkaConfig,
        readCommitted: Bool = true, logger: Logger, timeout: Duration = .seconds(60)
    ) async throws -> PartitionCursor {
        let conf = try kafka.makeConf([
            // Assign-only: the id is never joined or committed to, it only satisfies librdkafka.
            "group.id": "bizflow-reader-\(UUID().uuidString.prefix(8))",
            "enable.auto.commit": "false",
            "enable.partition.eof": "true",
            "auto.offset.reset": "earliest",
            "isolation.level": readCommitted ? "read_committed" : "read_uncommitted",
            // A fetch at a partition's end answers at once instead of waiting 500 ms for records that do not matter:
            // the read stops at the end it found.
            "fetch.wait.max.ms": "10",
        ])
        let handle = try ClientHandle(type: RD_KAFKA_CONSUMER, conf: conf, logger: logger)
        let blocking = BlockingQueue(label: "bizflow.partition-reader")
        let (watermarks, remaining) = try await blocking.run { try Self.assign(handle, partitions, starts: starts) }
        return PartitionCursor(handle, blocking, watermarks, remaining, idleLimitMs: timeout.milliseconds)
    }

    private init(
        _ handle: ClientHandle, _ blocking: BlockingQueue, _ watermarks: [TopicPartition: (low: Int64, high: Int64)],
        _ remaining: Set<TopicPartition>, idleLimitMs: Int32
    ) {
        self.handle = handle
        self.blocking = blocking
        self.watermarks = watermarks
        self.remaining = remaining
        self.idleLimitMs = idleLimitMs
        if !remaining.isEmpty { consumerQueue = rd_kafka_queue_get_consumer(handle.rk) }
    }

    deinit { release() }

    /// The next records (about `size` of them, in offset order per partition), nil once every end is reached.
    public func next(size: Int = 10_000) async throws -> [KafkaMessage]? {
        try await blocking.run { try self.read(size: size) }
    }

    /// Every record left, in offset order per partition.
    public func rest() async throws -> [KafkaMessage] {
        var records: [KafkaMessage] = []
        while let chunk = try await next() { records += chunk }
        return records
    }

    /// Leaves the partitions and frees the client (also done when the cursor is released).
    public func close() async {
        _ = try? await blocking.run { self.release() }
    }

    private func read(size: Int) throws -> [KafkaMessage]? {
        guard !remaining.isEmpty, let consumerQueue else { return nil }
        var slots = [UnsafeMutablePointer<rd_kafka_message_t>?](repeating: nil, count: min(size, 1000))
        var records: [KafkaMessage] = []
        records.reserveCapacity(size)
        let start = ContinuousClock.now
        while !remaining.isEmpty && records.count < size {
            if records.isEmpty && (ContinuousClock.now - start).milliseconds > idleLimitMs {
                throw KafkaError.local(
                    "read \(remaining.sorted())", "no record came in \(idleLimitMs) ms before the end: is the broker reachable?")
            }
            handle.drainLogs()
            let n = slots.withUnsafeMutableBufferPointer {
                rd_kafka_consume_batch_queue(consumerQueue, 200, $0.baseAddress, $0.count)
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
        return records.isEmpty && remaining.isEmpty ? nil : records
    }

    private func release() {
        guard !closed else { return }
        closed = true
        if let consumerQueue { rd_kafka_queue_destroy(consumerQueue) }
        rd_kafka_consumer_close(handle.rk)  // the handle destroys the client when released
        handle.drainLogs()
    }

    /// Reads the watermarks and assigns the partitions that have records from their start on.
    private static func assign(
        _ handle: ClientHandle, _ partitions: [TopicPartition], starts: [TopicPartition: Int64]
    ) throws -> ([TopicPartition: (low: Int64, high: Int64)], Set<TopicPartition>) {
        let rk = handle.rk
        rd_kafka_poll_set_consumer(rk)
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
        guard !remaining.isEmpty else { return (watermarks, remaining) }
        let list = TopicPartitionList.make(Array(remaining), offsets: Dictionary(
            uniqueKeysWithValues: remaining.map { ($0, starts[$0] ?? Int64(RD_KAFKA_OFFSET_BEGINNING)) }))
        defer { rd_kafka_topic_partition_list_destroy(list) }
        try RdKafka.check(rd_kafka_assign(rk, list), "assign \(remaining.count) partitions to read")
        return (watermarks, remaining)
    }
}
