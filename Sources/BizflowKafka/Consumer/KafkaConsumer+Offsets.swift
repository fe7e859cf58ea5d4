import CRdKafka

extension KafkaConsumer {
    /// Commits offsets (the next offset to read per partition) and waits for the broker's answer.
    public func commit(_ offsets: [TopicPartitionOffset]) async throws {
        guard !offsets.isEmpty else { return }
        try await blocking.run { [self] in
            let list = TopicPartitionList.make(offsets)
            defer { rd_kafka_topic_partition_list_destroy(list) }
            try RdKafka.check(rd_kafka_commit(self.rk, list, 0), "commit offsets")
            try TopicPartitionList.checkElements(list, "commit offset")
        }
    }

    /// Starts a commit without waiting; failures are logged by librdkafka.
    public func commitAsync(_ offsets: [TopicPartitionOffset]) throws(KafkaError) {
        guard !offsets.isEmpty else { return }
        let list = TopicPartitionList.make(offsets)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        try RdKafka.check(rd_kafka_commit(self.rk, list, 1), "commit offsets (async)")
    }

    /// Records offsets locally for the next `commitStored()`.
    public func store(_ offsets: [TopicPartitionOffset]) throws(KafkaError) {
        guard !offsets.isEmpty else { return }
        let list = TopicPartitionList.make(offsets)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        try RdKafka.check(rd_kafka_offsets_store(self.rk, list), "store offsets")
        try TopicPartitionList.checkElements(list, "store offset")
    }

    /// Commits the stored offsets and waits for the answer.
    public func commitStored() async throws {
        try await blocking.run { [self] in
            let err = rd_kafka_commit(self.rk, nil, 0)
            if err == RD_KAFKA_RESP_ERR__NO_OFFSET { return }
            try RdKafka.check(err, "commit stored offsets")
        }
    }

    /// Moves an assigned partition's read position; records of the old position (buffered, or polled while the
    /// seek ran) are dropped, so the next record of the partition is the one at the new position.
    public func seek(_ offsets: [TopicPartitionOffset], timeout: Duration = .seconds(10)) async throws {
        guard !offsets.isEmpty else { return }
        let ms = timeout.milliseconds
        // Before the seek, not after: a record re-read right after it must never be purged.
        buffer.rewind(offsets)
        do {
            try await blocking.run { [self] in
                let list = TopicPartitionList.make(offsets)
                defer { rd_kafka_topic_partition_list_destroy(list) }
                try RdKafka.check(rd_kafka_seek_partitions(self.rk, list, ms), "seek")
                try TopicPartitionList.checkElements(list, "seek")
            }
        } catch {
            buffer.forgetRewind(offsets.map(\.topicPartition))
            throw error
        }
    }

    /// The group's committed offsets for these partitions (absent when nothing is committed).
    public func committed(_ partitions: [TopicPartition], timeout: Duration = .seconds(10)) async throws
        -> [TopicPartition: Int64]
    {
        let ms = timeout.milliseconds
        return try await blocking.run { [self] in
            try TopicPartitionList.committed(rk, partitions, timeoutMs: ms, "fetch committed offsets")
        }
    }
}
