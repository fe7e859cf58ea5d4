import CRdKafka

/// Conversions between Swift partition values and `rd_kafka_topic_partition_list_t`.
enum TopicPartitionList {
    typealias Pointer = UnsafeMutablePointer<rd_kafka_topic_partition_list_t>

    /// A new C list (caller destroys it); offsets default to `RD_KAFKA_OFFSET_INVALID`.
    static func make(_ partitions: [TopicPartition], offsets: [TopicPartition: Int64] = [:]) -> Pointer {
        let list = rd_kafka_topic_partition_list_new(Int32(max(partitions.count, 1)))!
        for tp in partitions {
            let element = rd_kafka_topic_partition_list_add(list, tp.topic, tp.partition)!
            element.pointee.offset = offsets[tp] ?? Int64(RD_KAFKA_OFFSET_INVALID)
        }
        return list
    }

    static func make(_ offsets: [TopicPartitionOffset]) -> Pointer {
        make(offsets.map(\.topicPartition), offsets: Dictionary(offsets.map { ($0.topicPartition, $0.offset) }) { $1 })
    }

    static func elements(_ list: Pointer?) -> [UnsafeMutablePointer<rd_kafka_topic_partition_t>] {
        guard let list, let elems = list.pointee.elems else { return [] }
        return (0..<Int(list.pointee.cnt)).map { elems + $0 }
    }

    static func partitions(_ list: Pointer?) -> [TopicPartition] {
        elements(list).map { TopicPartition(String(cString: $0.pointee.topic), $0.pointee.partition) }
    }

    static func offsets(_ list: Pointer?) -> [TopicPartitionOffset] {
        elements(list).map {
            TopicPartitionOffset(String(cString: $0.pointee.topic), $0.pointee.partition, offset: $0.pointee.offset)
        }
    }

    /// Throws the first per-partition error in a result list.
    static func checkElements(_ list: Pointer?, _ operation: String) throws(KafkaError) {
        for element in elements(list) where element.pointee.err != RD_KAFKA_RESP_ERR_NO_ERROR {
            let tp = "\(String(cString: element.pointee.topic))[\(element.pointee.partition)]"
            try RdKafka.check(element.pointee.err, "\(operation) for \(tp)")
        }
    }

    /// A group's committed offsets (OffsetFetch) for `partitions` through `rk`; partitions without one are absent.
    static func committed(
        _ rk: OpaquePointer, _ partitions: [TopicPartition], timeoutMs: Int32, _ operation: String
    ) throws(KafkaError) -> [TopicPartition: Int64] {
        let list = make(partitions)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        try RdKafka.check(rd_kafka_committed(rk, list, timeoutMs), operation)
        var result: [TopicPartition: Int64] = [:]
        for tpo in offsets(list) where tpo.offset >= 0 { result[tpo.topicPartition] = tpo.offset }
        return result
    }
}
