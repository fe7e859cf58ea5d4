import BizflowKafka
import Foundation

extension TierRunner {
    /// Writes a batch's effects: outputs and dead letters, then the changelog of every touched partition, then —
    /// once all of those are acknowledged — one commit marker per touched changelog partition and the consumed
    /// offsets; in one transaction in exactly-once mode. With expiry on, `now` (the tier clock's time) is when the
    /// batch's keys changed, in the store and in their changelog records (a restore reads it from them).
    func commit(_ out: [ProducerMessage], touched: Set<Int32>, now: Date) async throws {
        guard let producer, let consumer else { return }
        let txn = "\(incarnation):\(sequence)"
        sequence += 1
        let txnHeader = [KafkaHeader(CommitMarker.txnHeader, Array(txn.utf8))]
        var changelog: [ProducerMessage] = []
        var markers: [ProducerMessage] = []
        var offsets: [TopicPartitionOffset] = []
        let changeTime = settings.stateTTL == nil ? nil : now.timeIntervalSince1970
        let changeTimeMs = changeTime.map { Int64(($0 * 1_000).rounded()) }
        for partition in touched.sorted() {
            guard let store = stores[partition] else { continue }
            for (key, entries) in store.takeDirty(changedAt: changeTime) {
                var record = ProducerMessage(
                    topic: settings.changelog, partition: partition, key: ChangelogGroup.recordKey(key),
                    value: ChangelogGroup.encode(entries, changedAt: changeTimeMs), headers: txnHeader)
                // A key left with nothing is a tombstone, so compaction drops it, unless per-entry records of it
                // could resurface.
                record.isTombstone = entries.isEmpty && !store.hasLegacyEntries
                changelog.append(record)
            }
            var inputOffsets: [String: Int64] = [:]
            for input in settings.inputs {
                let tp = TopicPartition(input, partition)
                if let offset = positions[tp], owned.contains(tp) {
                    inputOffsets[input] = offset
                    offsets.append(TopicPartitionOffset(tp, offset: offset))
                }
            }
            let marker = CommitMarker(
                txn: txn, offsets: inputOffsets, aborted: (pendingAborted[partition] ?? []).sorted())
            markers.append(
                ProducerMessage(
                    topic: settings.changelog, partition: partition, key: CommitMarker.recordKey, value: marker.bytes,
                    headers: txnHeader))
        }
        do {
            switch settings.mode {
            case .exactlyOnce:
                try producer.beginTransaction()
                // Two hand-overs, not `out + changelog`: that copies every record of the batch into a new array.
                try await producer.sendBatch(out)
                try await producer.sendBatch(changelog)
                try await producer.flush()
                try await producer.sendBatch(markers)
                try await producer.sendOffsetsToTransaction(offsets, group: consumer.groupMetadata())
                try await producer.commitTransaction(timeout: settings.commitTimeout)
                // The same offsets again, outside the transaction: brokers that do not store transactional offsets
                // (the embedded one) would show lag tools nothing. Positions come from the changelog markers, so
                // these are informational only.
                try? consumer.commitAsync(offsets)
            case .atLeastOnce:
                try await producer.sendBatch(out)
                try await producer.sendBatch(changelog)
                try await producer.flush()
                try await producer.sendBatch(markers)
                try await producer.flush()
                if (try? await consumer.commit(offsets)) != nil {
                    for offset in offsets { reported[offset.topicPartition] = offset.offset }
                }
            }
        } catch {
            try await rollBack(txn, touched: touched, after: error)
            return
        }
        for partition in touched { pendingAborted[partition] = [] }
        metrics.produced.increment(by: out.count)
    }

    /// While idle: commits to the group the positions a failed or unconfirmed (asynchronous) commit may have left
    /// behind, so lag tools reach 0; retried on every idle tick until it succeeds. Informational only: positions come
    /// from the changelog markers.
    func commitIdlePositions() async {
        guard let consumer else { return }
        let pending = owned.compactMap { tp -> TopicPartitionOffset? in
            guard let offset = positions[tp], reported[tp] != offset else { return nil }
            return TopicPartitionOffset(tp, offset: offset)
        }
        guard !pending.isEmpty else { return }
        do {
            try await consumer.commit(pending)
            for offset in pending { reported[offset.topicPartition] = offset.offset }
        } catch {
            logger.debug("committing idle positions failed: retrying", metadata: ["error": "\(error)"])
        }
    }

    /// After a failed batch: forget its in-memory effects by restoring the touched partitions from the changelog
    /// (ignoring the batch's visible writes) and rewinding the consumer to the restored positions.
    private func rollBack(_ txn: String, touched: Set<Int32>, after error: Error) async throws {
        logger.warning("batch failed: rolling back to the last commit", metadata: ["txn": "\(txn)", "error": "\(error)"])
        if let kafkaError = error as? KafkaError, kafkaError.isFatal {
            throw kafkaError  // fenced or fatal: this process must not write again
        }
        if let producer, producer.transactionState == .inTransaction { try? await producer.abortTransaction() }
        knownAborted.insert(txn)
        for partition in touched {
            stores[partition] = nil
            pendingAborted[partition, default: []].insert(txn)
        }
        try await restore(touched.sorted())
        var rewind: [TopicPartitionOffset] = []
        for tp in owned where touched.contains(tp.partition) {
            rewind.append(TopicPartitionOffset(tp, offset: positions[tp] ?? Int64(-2)))  // -2: the beginning
        }
        try await consumer?.seek(rewind)
    }
}
