import CRdKafka
import Logging

extension KafkaProducer {
    /// Registers the transactional id with the coordinator, fencing older instances that share it.
    public func initTransactions(timeout: Duration = .seconds(30)) async throws {
        try transition(.initialise, "init transactions")
        let instance = current.value
        let ms = timeout.milliseconds
        try await blocking.run { try RdKafka.check(rd_kafka_init_transactions(instance.rk, ms), "init transactions") }
        try transition(.initialised, "init transactions")
    }

    /// Opens a transaction; every record sent until commit or abort belongs to it.
    public func beginTransaction() throws {
        try transition(.begin, "begin transaction")
        do throws(KafkaError) {
            try RdKafka.check(rd_kafka_begin_transaction(current.value.rk), "begin transaction")
        } catch {
            state.withLock { $0 = .ready }
            throw error
        }
    }

    /// Adds a consumer's offsets to the open transaction, so they commit atomically with its records.
    public func sendOffsetsToTransaction(
        _ offsets: [TopicPartitionOffset], group: ConsumerGroupMetadata, timeout: Duration = .seconds(30)
    ) async throws {
        guard !offsets.isEmpty else { return }
        let instance = current.value
        let ms = timeout.milliseconds
        try await runTransactional("send offsets to transaction") {
            let list = TopicPartitionList.make(offsets)
            defer { rd_kafka_topic_partition_list_destroy(list) }
            try RdKafka.check(
                rd_kafka_send_offsets_to_transaction(instance.rk, list, group.pointer, ms), "send offsets to transaction")
        }
    }

    /// Commits the open transaction. A retriable failure is retried; an abortable one aborts and throws
    /// (re-process the batch); an ambiguous or fatal one re-initialises the producer and throws.
    public func commitTransaction(timeout: Duration = .seconds(30)) async throws {
        try transition(.commit, "commit transaction")
        let instance = current.value
        let ms = timeout.milliseconds
        try await runTransactional("commit transaction") {
            try RdKafka.check(rd_kafka_commit_transaction(instance.rk, ms), "commit transaction")
        }
        try transition(.committed, "commit transaction")
    }

    /// Aborts the open transaction; its records are never visible to `read_committed` consumers.
    public func abortTransaction(timeout: Duration = .seconds(30)) async throws {
        try transition(.abort, "abort transaction")
        let instance = current.value
        let ms = timeout.milliseconds
        try await runTransactional("abort transaction") {
            try RdKafka.check(rd_kafka_abort_transaction(instance.rk, ms), "abort transaction")
        }
        try transition(.aborted, "abort transaction")
    }

    /// The producer's lifecycle state.
    public var transactionState: ProducerState { state.value }

    /// Runs a blocking transactional call with librdkafka's error classification applied.
    private func runTransactional(
        _ operation: String, attempts: Int = 3, _ body: @escaping @Sendable () throws -> Void
    ) async throws {
        var attempt = 1
        while true {
            do {
                try await blocking.run(body)
                return
            } catch let error as KafkaError {
                if error.requiresAbort {
                    _ = state.withLock { $0.on(.abortableError) }
                    logger.warning("transaction must be aborted", metadata: ["error": "\(error)"])
                    if operation != "abort transaction" { try? await abortTransaction() }
                    throw error
                }
                if error.isRetriable && !error.isFatal && attempt < attempts {
                    attempt += 1
                    continue
                }
                if error.code.isFencing {
                    // A zombie: re-initialising would fence the instance that replaced it. Stop for good.
                    _ = state.withLock { $0.on(.close) }
                    logger.error("producer fenced by a newer instance: it stops", metadata: ["error": "\(error)"])
                    throw KafkaError(
                        code: error.code, operation: operation, reason: error.reason, isRetriable: false, isFatal: true)
                }
                try await reinitialise(after: error)
                throw KafkaError(
                    code: error.code, operation: operation,
                    reason: "outcome unknown (\(error.reason)); the producer was re-initialised: "
                        + "re-process the batch from the last committed offsets",
                    isRetriable: true)
            }
        }
    }

    /// Replaces the librdkafka instance after an ambiguous error; the new one's `init_transactions` fences the old.
    func reinitialise(after error: KafkaError) async throws {
        _ = state.withLock { $0.on(.ambiguousError) }
        logger.warning("re-initialising the transactional producer", metadata: ["after": "\(error)"])
        let old = current.value
        try await blocking.run { old.shutDown(flushTimeoutMs: nil) }
        let fresh = try Self.makeInstance(configuration, logger: logger)
        current.value = fresh
        try await blocking.run {
            try RdKafka.check(rd_kafka_init_transactions(fresh.rk, 30_000), "init transactions after re-initialising")
        }
        try transition(.reinitialised, "re-initialise producer")
    }

    private func transition(_ event: ProducerState.Event, _ operation: String) throws {
        let action = state.withLock { $0.on(event) }
        if case .reject(let reason) = action { throw KafkaError.local(operation, reason) }
    }
}
