import CRdKafka
import Logging

/// A Kafka producer: idempotent by default, awaited or fire-and-forget sends, optional transactions.
public final class KafkaProducer: Sendable {
    /// Settings of a producer.
    public struct Configuration: Sendable {
        public var kafka: KafkaConfig
        /// Set for a transactional producer; instances sharing it fence each other.
        public var transactionalID: String?
        public var idempotent: Bool = true
        /// Name in logs and metrics.
        public var clientID: String = "bizflow"
        /// Producer-specific librdkafka properties, applied over `kafka.properties`.
        public var properties: [String: String] = [:]

        public init(kafka: KafkaConfig, transactionalID: String? = nil) {
            self.kafka = kafka
            self.transactionalID = transactionalID
        }
    }

    let configuration: Configuration
    let logger: Logger
    let blocking: BlockingQueue
    let current: LockedValue<ProducerInstance>
    let state: LockedValue<ProducerState>

    public init(configuration: Configuration, logger: Logger) throws(KafkaError) {
        self.configuration = configuration
        self.logger = logger
        self.blocking = BlockingQueue(label: "bizflow.producer.\(configuration.clientID)")
        self.current = LockedValue(try Self.makeInstance(configuration, logger: logger))
        self.state = LockedValue(configuration.transactionalID == nil ? .ready : .created)
    }

    static func makeInstance(_ configuration: Configuration, logger: Logger) throws(KafkaError) -> ProducerInstance {
        var overrides = ["client.id": configuration.clientID, "enable.idempotence": "\(configuration.idempotent)"]
        if let id = configuration.transactionalID { overrides["transactional.id"] = id }
        overrides.merge(configuration.properties) { _, new in new }
        let conf = try configuration.kafka.makeConf(overrides)
        return try ProducerInstance(conf: conf, logger: logger, metricsLabel: configuration.clientID)
    }

    /// Sends one record and waits for the broker's acknowledgement.
    public func send(_ message: ProducerMessage) async throws -> DeliveryReport {
        while true {
            let instance = current.value
            do {
                return try await withCheckedThrowingContinuation { continuation in
                    let err = instance.enqueue(message, waiter: DeliveryWaiter(continuation))
                    if err != RD_KAFKA_RESP_ERR_NO_ERROR {
                        continuation.resume(
                            throwing: KafkaError(
                                code: KafkaErrorCode(err), operation: "produce to \(message.topic)",
                                reason: String(cString: rd_kafka_err2str(err))))
                    }
                }
            } catch let error as KafkaError where error.code == .queueFull {
                try await Task.sleep(for: .milliseconds(1))  // backpressure: deliveries free the local queue
            }
        }
    }

    /// Sends records in order and waits for every acknowledgement (one wait for all, not a round trip each);
    /// returns the reports in input order, or throws the first failure.
    public func sendAll(_ messages: [ProducerMessage]) async throws -> [DeliveryReport] {
        guard !messages.isEmpty else { return [] }
        let collector = ReportCollector(count: messages.count)
        let instance = current.value
        for (index, message) in messages.enumerated() {
            while true {
                let err = instance.enqueue(message, waiter: DeliveryWaiter { collector.record(index, $0) })
                if err == RD_KAFKA_RESP_ERR_NO_ERROR { break }
                do {
                    try await backOffOrThrow(err, "produce to \(message.topic)")
                } catch {
                    // Records already handed over still report to the collector; this one and the rest never will.
                    let failure = error as? KafkaError ?? .local("produce", "\(error)")
                    for rest in index..<messages.count { collector.record(rest, .failure(failure)) }
                    _ = try? await collector.wait()
                    throw error
                }
            }
        }
        return try await collector.wait()
    }

    /// Hands records to librdkafka without waiting for acknowledgements; failures surface from `flush()`.
    public func sendBatch(_ messages: [ProducerMessage]) async throws {
        let instance = current.value
        var index = messages.startIndex
        while index < messages.endIndex {
            let err = instance.enqueueAll(messages, from: &index)
            if err != RD_KAFKA_RESP_ERR_NO_ERROR {
                try await backOffOrThrow(err, "produce to \(messages[index].topic)")
            }
        }
    }

    /// A full local queue is backpressure: wait for deliveries to drain it. Anything else is an error.
    private func backOffOrThrow(_ err: rd_kafka_resp_err_t, _ operation: String) async throws {
        guard err == RD_KAFKA_RESP_ERR__QUEUE_FULL else {
            try RdKafka.check(err, operation)
            return
        }
        try await Task.sleep(for: .milliseconds(1))
    }

    /// Waits until every record sent so far is acknowledged; throws the first fire-and-forget failure since the
    /// last flush.
    public func flush(timeout: Duration = .seconds(30)) async throws {
        let instance = current.value
        let ms = timeout.milliseconds
        try await blocking.run { try RdKafka.check(rd_kafka_flush(instance.rk, ms), "flush producer") }
        if let failure = await instance.tracker.drained() { throw failure }
    }

    /// Records not yet acknowledged.
    public var inFlightCount: Int { current.value.tracker.inFlight }

    /// Flushes what is queued (up to `timeout`), then releases the client.
    public func close(timeout: Duration = .seconds(10)) async {
        _ = state.withLock { $0.on(.close) }
        let instance = current.value
        let ms = timeout.milliseconds
        _ = try? await blocking.run { instance.shutDown(flushTimeoutMs: ms) }
    }
}
