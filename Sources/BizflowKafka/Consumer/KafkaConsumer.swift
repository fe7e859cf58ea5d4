import CRdKafka
import Dispatch
import Foundation
import Logging
import Metrics

/// A consumer-group member. librdkafka is polled on a dedicated thread; records reach Swift through a bounded
/// buffer; while it is full the thread takes nothing more, so librdkafka's bounded prefetch stops fetching.
public final class KafkaConsumer: @unchecked Sendable {
    /// Settings of a consumer.
    public struct Configuration: Sendable {
        public var kafka: KafkaConfig
        public var groupID: String
        public var topics: [String]
        /// Records held for the reader before the poll thread stops taking more.
        public var bufferCapacity: Int = 10_000
        /// `read_committed` (default) hides records of aborted and open transactions.
        public var readCommitted: Bool = true
        /// Where to start without a committed offset: "earliest" or "latest".
        public var autoOffsetReset: String = "earliest"
        public var hooks = RebalanceHooks()
        public var clientID: String = "bizflow"
        /// Consumer-specific librdkafka properties, applied over `kafka.properties`.
        public var properties: [String: String] = [:]
        /// Names of headers whose values repeat from record to record (event types, sources): the reading thread
        /// keeps one string per distinct value instead of making one per record.
        public var repeatedHeaderValues: Set<String> = []

        public init(kafka: KafkaConfig, groupID: String, topics: [String]) {
            self.kafka = kafka
            self.groupID = groupID
            self.topics = topics
        }
    }

    let handle: ClientHandle
    let buffer: MessageBuffer
    let blocking: BlockingQueue
    private let consumerQueue: OpaquePointer
    private let hooks: RebalanceHooks
    private let stopFlag = LockedValue(false)
    private let stopped = DispatchSemaphore(value: 0)
    private let consumed: Counter
    private let fullWaits: Counter
    let groupID: String
    private let repeatedHeaderValues: Set<String>

    var rk: OpaquePointer { handle.rk }
    var logger: Logger { handle.logger }

    public init(configuration: Configuration, logger: Logger) throws(KafkaError) {
        guard !configuration.topics.isEmpty else { throw .local("create consumer", "no topics to subscribe to") }
        var overrides = [
            "group.id": configuration.groupID,
            "client.id": configuration.clientID,
            "enable.auto.commit": "false",
            "enable.auto.offset.store": "false",
            "enable.partition.eof": "false",
            "auto.offset.reset": configuration.autoOffsetReset,
            "isolation.level": configuration.readCommitted ? "read_committed" : "read_uncommitted",
            // Bounds librdkafka's own prefetch, so memory stays bounded while the Swift buffer is full.
            "queued.max.messages.kbytes": "16384",
        ]
        overrides.merge(configuration.properties) { _, new in new }
        let conf = try configuration.kafka.makeConf(overrides)
        self.groupID = configuration.groupID
        self.repeatedHeaderValues = configuration.repeatedHeaderValues
        self.hooks = configuration.hooks
        self.buffer = MessageBuffer(capacity: configuration.bufferCapacity)
        self.blocking = BlockingQueue(label: "bizflow.consumer.\(configuration.groupID)")
        self.consumed = Counter(label: "bizflow_kafka_consumed_total", dimensions: [("group", configuration.groupID)])
        self.fullWaits = Counter(label: "bizflow_kafka_consumer_buffer_full_total", dimensions: [("group", configuration.groupID)])
        // The rebalance callback reaches this object through the opaque; it only runs on the poll thread,
        // which stops before the object goes away.
        let context = RebalanceContext()
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(context).toOpaque())
        rd_kafka_conf_set_rebalance_cb(conf, rebalanceCallback)
        context.statistics = StatisticsRecorder(client: configuration.clientID)
        rd_kafka_conf_set_stats_cb(conf, statisticsCallback)
        self.handle = try ClientHandle(type: RD_KAFKA_CONSUMER, conf: conf, logger: logger)
        self.consumerQueue = rd_kafka_queue_get_consumer(handle.rk)
        rd_kafka_poll_set_consumer(handle.rk)
        context.consumer = self
        self.context = context
        let topics = TopicPartitionList.make(configuration.topics.map { TopicPartition($0, -1) })
        defer { rd_kafka_topic_partition_list_destroy(topics) }
        try RdKafka.check(rd_kafka_subscribe(handle.rk, topics), "subscribe to \(configuration.topics)")
        PollThread.start("bz:consumer") { [self] in pollLoop() }
    }

    private var context: RebalanceContext?

    /// Waits for records and returns up to `max` of them; returns [] once the consumer is closed.
    public func nextBatch(max: Int = 500) async throws -> [KafkaMessage] {
        try await buffer.take(max: max)
    }

    /// Like `nextBatch(max:)`, but returns [] when no record arrives within `timeout`.
    public func nextBatch(max: Int, timeout: Duration) async throws -> [KafkaMessage] {
        try await buffer.take(max: max, timeout: timeout)
    }

    /// Waits up to `timeout` for a first record, then up to `linger` more for the batch to fill to `max`: fewer,
    /// larger batches under load, no added latency when idle.
    public func nextBatch(max: Int, timeout: Duration, linger: Duration) async throws -> [KafkaMessage] {
        var batch = try await nextBatch(max: max, timeout: timeout)
        guard !batch.isEmpty && batch.count < max else { return batch }
        let deadline = ContinuousClock.now + linger
        while batch.count < max, ContinuousClock.now < deadline {
            let more = try await nextBatch(max: max - batch.count, timeout: deadline - ContinuousClock.now)
            if more.isEmpty { break }
            batch += more
        }
        return batch
    }

    /// Records between this member's position and the high watermark it last saw, per partition (no network).
    public func lag(_ partitions: [TopicPartition]) -> [TopicPartition: Int64] {
        var result: [TopicPartition: Int64] = [:]
        for (tp, position) in positions(partitions) {
            var low: Int64 = 0
            var high: Int64 = 0
            guard rd_kafka_get_watermark_offsets(rk, tp.topic, tp.partition, &low, &high) == RD_KAFKA_RESP_ERR_NO_ERROR,
                high >= 0
            else { continue }
            result[tp] = Swift.max(0, high - position)
        }
        return result
    }

    /// The next offset after the last record librdkafka handed to the poll thread, per partition that had one
    /// (no network).
    func positions(_ partitions: [TopicPartition]) -> [TopicPartition: Int64] {
        let list = TopicPartitionList.make(partitions)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        rd_kafka_position(rk, list)
        var result: [TopicPartition: Int64] = [:]
        for element in TopicPartitionList.elements(list) where element.pointee.offset >= 0 {
            result[TopicPartition(String(cString: element.pointee.topic), element.pointee.partition)] = element.pointee.offset
        }
        return result
    }

    /// Records waiting in the hand-off buffer.
    public var bufferedCount: Int { buffer.count }

    /// True while the buffer is full: the poll thread takes nothing more and librdkafka's prefetch fills up.
    public var isBufferFull: Bool { buffer.isFull }

    /// The partitions currently assigned to this member.
    public func assignment() throws(KafkaError) -> [TopicPartition] {
        var list: TopicPartitionList.Pointer?
        try RdKafka.check(rd_kafka_assignment(rk, &list), "read assignment")
        defer { if let list { rd_kafka_topic_partition_list_destroy(list) } }
        return TopicPartitionList.partitions(list)
    }

    /// The member id the group coordinator gave this consumer (nil before it joined).
    public func memberID() -> String? {
        guard let id = rd_kafka_memberid(rk) else { return nil }
        defer { rd_kafka_mem_free(rk, id) }
        let text = String(cString: id)
        return text.isEmpty ? nil : text
    }

    /// The group generation and member id, for `KafkaProducer.sendOffsetsToTransaction`.
    public func groupMetadata() throws(KafkaError) -> ConsumerGroupMetadata {
        guard let pointer = rd_kafka_consumer_group_metadata(rk) else {
            throw .local("read group metadata", "the consumer has no group metadata")
        }
        return ConsumerGroupMetadata(pointer)
    }

    /// Leaves the group (running the revoke hook), stops the poll thread and releases the client.
    public func close() async {
        let alreadyStopping = stopFlag.withLock { flag in
            defer { flag = true }
            return flag
        }
        guard !alreadyStopping else { return }
        let stopped = self.stopped
        _ = try? await blocking.run { stopped.wait() }
        context = nil
    }

    // MARK: Poll thread

    private func pollLoop() {
        var slots = [UnsafeMutablePointer<rd_kafka_message_t>?](repeating: nil, count: 1000)
        var names = RecordNames(repeatedValues: repeatedHeaderValues)
        while !stopFlag.value {
            handle.drainLogs()
            var want = Swift.min(buffer.room, slots.count)
            var timeoutMs: Int32 = 100
            if want <= 0 {
                fullWaits.increment()
                if buffer.waitForRoom(timeout: .milliseconds(500)) { continue }
                // Still full: take at most one record so rebalance events (queued ahead of records) are served.
                want = 1
                timeoutMs = 0
            }
            let n = slots.withUnsafeMutableBufferPointer {
                rd_kafka_consume_batch_queue(consumerQueue, timeoutMs, $0.baseAddress, want)
            }
            guard n > 0 else { continue }
            var batch: [KafkaMessage] = []
            batch.reserveCapacity(n)
            for i in 0..<n {
                guard let message = slots[i] else { continue }
                defer { rd_kafka_message_destroy(message) }
                if message.pointee.err != RD_KAFKA_RESP_ERR_NO_ERROR {
                    reportError(message)
                    continue
                }
                batch.append(Self.convert(message, names: &names))
            }
            consumed.increment(by: batch.count)
            buffer.append(batch)
        }
        // Closing runs the revoke callback (and so the revoke hook) on this thread.
        let err = rd_kafka_consumer_close(rk)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            logger.warning("consumer close", metadata: ["error": "\(KafkaErrorCode(err))"])
        }
        handle.drainLogs()
        rd_kafka_queue_destroy(consumerQueue)
        buffer.finish()
        stopped.signal()
    }

    static func convert(
        _ message: UnsafeMutablePointer<rd_kafka_message_t>, names: inout RecordNames
    ) -> KafkaMessage {
        let m = message.pointee
        let topic = names.topic(m.rkt)
        let value = m.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: m.len)) } ?? []
        let key = m.key.map { Array(UnsafeRawBufferPointer(start: $0, count: m.key_len)) }
        var headers: [KafkaHeader] = []
        var hdrs: OpaquePointer?
        if rd_kafka_message_headers(message, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR, let hdrs {
            headers.reserveCapacity(rd_kafka_header_cnt(hdrs))
            var index = 0
            var name: UnsafePointer<CChar>?
            var valuePointer: UnsafeRawPointer?
            var size = 0
            while rd_kafka_header_get_all(hdrs, index, &name, &valuePointer, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
                let (key, repeats) = names.header(name!)
                let value = valuePointer.map { UnsafeRawBufferPointer(start: $0, count: size) }
                if repeats, let value, let text = names.value(value) {
                    headers.append(KafkaHeader(key, text))
                } else {
                    headers.append(KafkaHeader(key: key, bytes: value))
                }
                index += 1
            }
        }
        var tsType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let timestamp = rd_kafka_message_timestamp(message, &tsType)
        return KafkaMessage(
            topic: topic, partition: m.partition, offset: m.offset, key: key, value: value, headers: headers,
            timestampMs: timestamp)
    }

    private func reportError(_ message: UnsafeMutablePointer<rd_kafka_message_t>) {
        let code = KafkaErrorCode(message.pointee.err)
        if code == KafkaErrorCode(RD_KAFKA_RESP_ERR__FATAL), let fatal = RdKafka.fatalError(rk) {
            logger.error("consumer fatal error: it stops", metadata: ["error": "\(fatal)"])
            stopFlag.value = true
            return
        }
        logger.warning("consumer error", metadata: ["code": "\(code)", "reason": "\(String(cString: rd_kafka_err2str(message.pointee.err)))"])
    }

    /// Runs on the poll thread, inside librdkafka's rebalance callback.
    fileprivate func rebalance(_ err: rd_kafka_resp_err_t, _ list: TopicPartitionList.Pointer?) {
        let partitions = TopicPartitionList.partitions(list)
        let cooperative = String(cString: rd_kafka_rebalance_protocol(rk)) == "COOPERATIVE"
        switch err {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            if let hook = hooks.partitionsAssigned {
                let offsets = Self.runBlocking { await hook(partitions) }
                for element in TopicPartitionList.elements(list) {
                    let tp = TopicPartition(String(cString: element.pointee.topic), element.pointee.partition)
                    if let offset = offsets[tp] { element.pointee.offset = offset }
                }
            }
            if cooperative {
                logIfFailed(rd_kafka_incremental_assign(rk, list), "incremental assign")
            } else {
                logIfFailed(rd_kafka_assign(rk, list), "assign")
            }
            logger.info("partitions assigned", metadata: ["partitions": "\(partitions.sorted())"])
        case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
            if let hook = hooks.partitionsRevoked { Self.runBlocking { await hook(partitions) } }
            buffer.purge(Set(partitions))
            if cooperative {
                logIfFailed(rd_kafka_incremental_unassign(rk, list), "incremental unassign")
            } else {
                logIfFailed(rd_kafka_assign(rk, nil), "unassign")
            }
            logger.info("partitions revoked", metadata: ["partitions": "\(partitions.sorted())"])
        default:
            logger.warning("rebalance error", metadata: ["code": "\(KafkaErrorCode(err))"])
            rd_kafka_assign(rk, nil)
        }
    }

    private func logIfFailed(_ err: rd_kafka_resp_err_t, _ operation: String) {
        do throws(KafkaError) { try RdKafka.check(err, operation) } catch {
            logger.error("rebalance step failed", metadata: ["error": "\(error)"])
        }
    }

    private func logIfFailed(_ error: OpaquePointer?, _ operation: String) {
        do throws(KafkaError) { try RdKafka.check(error, operation) } catch {
            logger.error("rebalance step failed", metadata: ["error": "\(error)"])
        }
    }

    /// Waits on this dedicated thread for async hook code running on the cooperative pool.
    private static func runBlocking<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
        let done = DispatchSemaphore(value: 0)
        let result = LockedValue<T?>(nil)
        Task {
            result.value = await body()
            done.signal()
        }
        done.wait()
        return result.value!
    }
}

/// Carries the consumer to librdkafka's C rebalance callback.
private final class RebalanceContext: @unchecked Sendable {
    weak var consumer: KafkaConsumer?
    var statistics: StatisticsRecorder?
}

/// librdkafka calls this on the poll thread every `statistics.interval.ms`; returning 0 lets it free the JSON.
private func statisticsCallback(
    _ rk: OpaquePointer?, _ json: UnsafeMutablePointer<CChar>?, _ length: Int, _ opaque: UnsafeMutableRawPointer?
) -> Int32 {
    guard let json, let opaque else { return 0 }
    Unmanaged<RebalanceContext>.fromOpaque(opaque).takeUnretainedValue().statistics?.record(json: json, length: length)
    return 0
}

private func rebalanceCallback(
    _ rk: OpaquePointer?, _ err: rd_kafka_resp_err_t, _ partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?,
    _ opaque: UnsafeMutableRawPointer?
) {
    guard let opaque,
        let consumer = Unmanaged<RebalanceContext>.fromOpaque(opaque).takeUnretainedValue().consumer
    else {
        rd_kafka_assign(rk, nil)
        return
    }
    consumer.rebalance(err, partitions)
}
