import CRdKafka
import Logging

/// Cluster administration: topics, watermarks, committed offsets and lag. Calls block on a dedicated queue.
public final class KafkaAdmin: TopicCreator, @unchecked Sendable {
    let handle: ClientHandle
    let config: KafkaConfig
    private let blocking = BlockingQueue(label: "bizflow.admin")
    private let timeoutMs: Int32

    public init(config: KafkaConfig, logger: Logger, timeout: Duration = .seconds(15)) throws(KafkaError) {
        self.config = config
        self.timeoutMs = timeout.milliseconds
        handle = try ClientHandle(type: RD_KAFKA_PRODUCER, conf: try config.makeConf(["client.id": "bizflow-admin"]), logger: logger)
        handle.startLogPump(name: "bizflow.admin.log")
    }

    /// Creates the topics through the CreateTopics API; existing ones are reported, not errors.
    public func createTopics(_ specs: [TopicSpec]) async throws -> [String: TopicCreation] {
        guard !specs.isEmpty else { return [:] }
        let handle = self.handle
        let timeoutMs = self.timeoutMs
        return try await blocking.run {
            let rk = handle.rk
            var errstr = [CChar](repeating: 0, count: 512)
            var newTopics: [OpaquePointer?] = []
            defer { newTopics.forEach { rd_kafka_NewTopic_destroy($0) } }
            for spec in specs {
                guard let topic = rd_kafka_NewTopic_new(
                    spec.name, Int32(spec.partitions), Int32(spec.replicationFactor), &errstr, errstr.count)
                else { throw KafkaError.local("create topic \(spec.name)", RdKafka.text(errstr)) }
                newTopics.append(topic)
                for (key, value) in spec.configs.sorted(by: { $0.key < $1.key }) {
                    try RdKafka.check(rd_kafka_NewTopic_set_config(topic, key, value), "set \(key) on \(spec.name)")
                }
            }
            let queue = rd_kafka_queue_new(rk)!
            defer { rd_kafka_queue_destroy(queue) }
            let options = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS)
            defer { rd_kafka_AdminOptions_destroy(options) }
            rd_kafka_AdminOptions_set_operation_timeout(options, timeoutMs, &errstr, errstr.count)
            rd_kafka_CreateTopics(rk, &newTopics, newTopics.count, options, queue)
            guard let event = rd_kafka_queue_poll(queue, timeoutMs + 5_000) else {
                throw KafkaError(code: .timedOut, operation: "create topics", reason: "no answer from the cluster")
            }
            defer { rd_kafka_event_destroy(event) }
            try RdKafka.check(rd_kafka_event_error(event), "create topics")
            var count = 0
            let results = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &count)
            var outcome: [String: TopicCreation] = [:]
            for i in 0..<count {
                let result = results![i]
                let name = String(cString: rd_kafka_topic_result_name(result))
                let err = rd_kafka_topic_result_error(result)
                if err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS {
                    outcome[name] = .alreadyExists
                } else {
                    try RdKafka.check(err, "create topic \(name)")
                    outcome[name] = .created
                }
            }
            return outcome
        }
    }

    /// Every topic the cluster knows, with its partition count (internal topics left out).
    public func listTopics() async throws -> [TopicInfo] {
        let handle = self.handle
        let timeoutMs = self.timeoutMs
        return try await blocking.run {
            let rk = handle.rk
            var metadata: UnsafePointer<rd_kafka_metadata>?
            try RdKafka.check(rd_kafka_metadata(rk, 1, nil, &metadata, timeoutMs), "list topics")
            defer { rd_kafka_metadata_destroy(metadata) }
            guard let md = metadata?.pointee else { return [] }
            return (0..<Int(md.topic_cnt)).compactMap { i in
                let topic = md.topics[i]
                let name = String(cString: topic.topic)
                guard topic.err == RD_KAFKA_RESP_ERR_NO_ERROR, !name.hasPrefix("__") else { return nil }
                return TopicInfo(name: name, partitions: Int(topic.partition_cnt))
            }.sorted { $0.name < $1.name }
        }
    }

    /// The cluster id from metadata, or nil if the cluster does not report one.
    public func clusterID() async throws -> String? {
        let handle = self.handle
        let timeoutMs = self.timeoutMs
        return try await blocking.run {
            let rk = handle.rk
            guard let id = rd_kafka_clusterid(rk, timeoutMs) else { return nil }
            defer { rd_kafka_mem_free(rk, id) }
            return String(cString: id)
        }
    }

    /// Low and high watermarks of a partition.
    public func watermarks(_ tp: TopicPartition) async throws -> (low: Int64, high: Int64) {
        let handle = self.handle
        let timeoutMs = self.timeoutMs
        return try await blocking.run {
            let rk = handle.rk
            var low: Int64 = 0
            var high: Int64 = 0
            try RdKafka.check(
                rd_kafka_query_watermark_offsets(rk, tp.topic, tp.partition, &low, &high, timeoutMs),
                "query watermarks of \(tp)")
            return (low, high)
        }
    }

    /// A group's committed offsets (OffsetFetch) for explicit partitions; partitions without one are absent.
    public func committedOffsets(group: String, partitions: [TopicPartition]) async throws -> [TopicPartition: Int64] {
        // OffsetFetch needs a client that carries the group id; it never joins the group.
        let conf = try config.makeConf(["group.id": group, "client.id": "bizflow-admin", "enable.auto.commit": "false"])
        let consumer = try ClientHandle(type: RD_KAFKA_CONSUMER, conf: conf, logger: handle.logger)
        let timeoutMs = self.timeoutMs
        return try await blocking.run {
            defer { consumer.drainLogs() }
            return try TopicPartitionList.committed(
                consumer.rk, partitions, timeoutMs: timeoutMs, "fetch committed offsets of \(group)")
        }
    }

    /// Lag per partition of `topics` for `group`.
    public func lag(group: String, topics: [String]) async throws -> [PartitionLag] {
        let known = Dictionary(uniqueKeysWithValues: try await listTopics().map { ($0.name, $0.partitions) })
        let partitions = topics.flatMap { topic in
            (0..<(known[topic] ?? 0)).map { TopicPartition(topic, Int32($0)) }
        }
        let committed = try await committedOffsets(group: group, partitions: partitions)
        var result: [PartitionLag] = []
        for tp in partitions {
            let (low, high) = try await watermarks(tp)
            result.append(PartitionLag(topicPartition: tp, committed: committed[tp], lowWatermark: low, highWatermark: high))
        }
        return result
    }
}
