import BizflowKafka
import Foundation

extension TierRunner {
    /// Writes a batch's plan: outputs and dead letters, then the changelog, then — once all of those are acknowledged
    /// — the commit markers and the consumed offsets; in one transaction in exactly-once mode.
    func commit(_ plan: CommitPlan) async throws {
        guard let producer, let consumer else { return }
        var markers: [DeliveryReport] = []
        do {
            if let failure = engine.storeFailure(plan) { throw failure }
            switch settings.mode {
            case .exactlyOnce:
                try producer.beginTransaction()
                // Two hand-overs, not `outputs + changelog`: that copies every record of the batch into a new array.
                let handing = stages.isEnabled ? ContinuousClock.now : nil
                try await producer.sendBatch(plan.outputs)
                try await producer.sendBatch(plan.changelog)
                if let handing { stages.add(.produce, since: handing) }
                let committing = stages.isEnabled ? ContinuousClock.now : nil
                defer { if let committing { stages.add(.commit, since: committing) } }
                try await producer.flush()
                markers = try await sendMarkers(plan, producer)
                try await producer.sendOffsetsToTransaction(plan.offsets, group: consumer.groupMetadata())
                try await producer.commitTransaction(timeout: settings.commitTimeout)
                // The same offsets again, outside the transaction: brokers that do not store transactional offsets
                // (the embedded one) would show lag tools nothing. Positions come from the changelog markers, so
                // these are informational only.
                try? consumer.commitAsync(plan.offsets)
            case .atLeastOnce:
                try await producer.sendBatch(plan.outputs)
                try await producer.sendBatch(plan.changelog)
                try await producer.flush()
                markers = try await sendMarkers(plan, producer)
                try await producer.flush()
                if (try? await consumer.commit(plan.offsets)) != nil {
                    for offset in plan.offsets { reported[offset.topicPartition] = offset.offset }
                }
            }
        } catch {
            try await rollBack(plan, after: error)
            return
        }
        engine.committed(plan)
        metrics.produced.increment(by: plan.outputs.count)
        await persist(plan, markers: markers)
    }

    /// The commit markers, with their delivery reports when local stores need their offsets for checkpoints.
    private func sendMarkers(_ plan: CommitPlan, _ producer: KafkaProducer) async throws -> [DeliveryReport] {
        guard settings.stateDirectory != nil else {
            try await producer.sendBatch(plan.markers)
            return []
        }
        return try await producer.sendAll(plan.markers)
    }

    /// While idle: commits to the group the positions a failed or unconfirmed (asynchronous) commit may have left
    /// behind, so lag tools reach 0; retried on every idle tick until it succeeds. Informational only: positions come
    /// from the changelog markers.
    func commitIdlePositions() async {
        guard let consumer else { return }
        let pending = engine.owned.compactMap { tp -> TopicPartitionOffset? in
            guard let offset = engine.positions[tp], reported[tp] != offset else { return nil }
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
    private func rollBack(_ plan: CommitPlan, after error: Error) async throws {
        logger.warning("batch failed: rolling back to the last commit", metadata: ["txn": "\(plan.txn)", "error": "\(error)"])
        if let kafkaError = error as? KafkaError, kafkaError.isFatal {
            throw kafkaError  // fenced or fatal: this process must not write again
        }
        if let producer, producer.transactionState == .inTransaction { try? await producer.abortTransaction() }
        close(engine.abandon(plan))
        try await restore(plan.touched.sorted())
        try await consumer?.seek(engine.rewindTargets(plan.touched))
    }
}
