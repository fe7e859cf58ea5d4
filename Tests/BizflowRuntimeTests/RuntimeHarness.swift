import BizflowEmbeddedBroker
import BizflowEvents
import BizflowKafka
import BizflowRuntime
import BizflowTestSupport
import Foundation
import Testing

/// An embedded broker with an input, output, changelog and dead-letter topic for one test tier.
struct RuntimeHarness {
    let broker: EmbeddedBroker
    let input = uniqueTopic("in")
    let output = uniqueTopic("out")
    let changelog = uniqueTopic("changelog")
    let group = uniqueTopic("g")
    let producer: KafkaProducer
    let clock = ManualClock()
    /// Where runners keep state on disk when a test asks for it.
    let stateDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("bizflow-state-\(UUID().uuidString.prefix(8))").path

    init(partitions: Int = 3) throws {
        broker = try EmbeddedBroker(logger: testLogger())
        for topic in [input, output, changelog, TierSettings.deadLetterTopic(of: input)] {
            try broker.createTopic(topic, partitions: partitions)
        }
        producer = try KafkaProducer(configuration: .init(kafka: broker.kafkaConfig), logger: testLogger())
    }

    func settings(mode: DeliveryMode = .exactlyOnce, instance: String = "0", state: StateKind = .memory) -> TierSettings {
        var settings = TierSettings(
            name: "counting", groupID: group, inputs: [input], changelog: changelog, kafka: broker.kafkaConfig,
            instanceID: instance)
        settings.mode = mode
        settings.stateDirectory = state == .disk ? stateDirectory : nil
        settings.clock = clock
        settings.retry = RetryPolicy(attempts: 3, initialDelay: .milliseconds(5), maxDelay: .milliseconds(20))
        settings.timerTick = .milliseconds(50)
        settings.consumerProperties = ["session.timeout.ms": "6000", "heartbeat.interval.ms": "300"]
        return settings
    }

    /// Releases the test producer before the broker goes away, and removes the state directory.
    func close() async {
        await producer.close()
        try? FileManager.default.removeItem(atPath: stateDirectory)
    }

    /// The directory of a partition's local store.
    func stateDirectory(partition: Int32) -> String { "\(stateDirectory)/\(group)/\(partition)" }

    /// Starts a runner in a task; stop it with `runner.stop()` and await the task.
    func start(_ settings: TierSettings) -> (TierRunner, Task<Void, Error>) {
        let runner = TierRunner(settings: settings, tier: CountingTier(output: output), logger: testLogger())
        return (runner, Task { try await runner.run() })
    }

    func lead(_ id: String, email: String = "a@example.com", title: String = "") -> LeadCaptured {
        var lead = LeadCaptured()
        lead.leadID = id
        lead.tenantID = "acme"
        lead.email = email
        lead.jobTitle = title
        return lead
    }

    @discardableResult
    func send(_ lead: LeadCaptured) async throws -> EventEnvelope {
        let (record, envelope) = try EventRecord.make(lead, source: "test", topic: input)
        _ = try await producer.send(record)
        return envelope
    }

    func sendRaw(key: String?, value: [UInt8], headers: [KafkaHeader]) async throws {
        _ = try await producer.send(
            ProducerMessage(topic: input, key: key.map { Array($0.utf8) }, value: value, headers: headers))
    }

    /// Output scores as (lead, total), decoded.
    func scores(_ records: [KafkaMessage]) throws -> [(lead: String, total: Int32, id: String)] {
        try records.map { record in
            let (envelope, event) = try EventRecord.decode(record)
            guard let scored = event as? LeadScored else { throw MissingValue() }
            return (scored.leadID, scored.total, envelope.id)
        }
    }
}

private struct MissingValue: Error {}

/// Where a test runner keeps its state.
enum StateKind: String, CaseIterable, CustomTestStringConvertible {
    case memory, disk
    var testDescription: String { rawValue }
}

