import Benchmark
import BizflowEvents
import BizflowKafka
import BizflowLeads
import BizflowRuntime
import Foundation
import Logging
import RawLibrdkafka

// The scoring tier end to end on the embedded broker (consume → decode → score → encode → transactional produce
// with its changelog), beside librdkafka's C copy loop over the same records in the same run. 100k events from
// 10k leads: the backlog is drained while the tier's state stays bounded, so peak RSS shows the backlog's cost.
let events = 100_000
let distinctLeads = 10_000
let partitions = 12

nonisolated(unsafe) var logger: Logger = {
    var logger = Logger(label: "bench")
    logger.logLevel = .error
    return logger
}()

nonisolated(unsafe) let broker = try! EmbeddedBroker(brokers: 1, logger: logger)
nonisolated(unsafe) var topicCounter = 0
let scoringConfig = try! ScoringConfig.load(path: "Topology/scoring.yaml")

func newTopic(_ prefix: String) -> String {
    topicCounter += 1
    let name = "\(prefix).\(topicCounter).\(UUID().uuidString.prefix(6))"
    try! broker.createTopic(name, partitions: partitions)
    return name
}

/// A topic holding `events` captured leads with CloudEvents headers (written outside the measurement).
func capturedBacklog() async throws -> String {
    let topic = newTopic("captured")
    let producer = try KafkaProducer(configuration: .init(kafka: broker.kafkaConfig), logger: logger)
    var batch: [ProducerMessage] = []
    for i in 0..<events {
        var lead = LeadCaptured()
        lead.leadID = "lead-\(i % distinctLeads)"
        lead.tenantID = "acme"
        lead.email = "person\(i % distinctLeads)@corp\(i % 97).com"
        lead.firstName = "Ada"
        lead.companyName = "Corp \(i % 97)"
        lead.companySize = Int32([20, 300, 3000][i % 3])
        lead.industry = ["software", "finance", "retail"][i % 3]
        lead.jobTitle = ["CTO", "Analyst", "VP Sales"][i % 3]
        lead.country = ["US", "DE", "GB", "SE"][i % 4]
        lead.websiteVisits = Int32(i % 20)
        lead.marketingConsent = .granted
        batch.append(try EventRecord.make(lead, source: "bench", topic: topic).0)
        if batch.count == 2_000 {
            try await producer.sendBatch(batch)
            batch.removeAll(keepingCapacity: true)
        }
    }
    try await producer.sendBatch(batch)
    try await producer.flush(timeout: .seconds(120))
    await producer.close()
    return topic
}

/// The backlog's records as a consumer would see them, without a broker.
func capturedRecords() throws -> [KafkaMessage] {
    try (0..<events).map { i in
        var lead = LeadCaptured()
        lead.leadID = "lead-\(i % distinctLeads)"
        lead.tenantID = "acme"
        lead.email = "person\(i % distinctLeads)@corp\(i % 97).com"
        lead.jobTitle = ["CTO", "Analyst", "VP Sales"][i % 3]
        lead.country = ["US", "DE", "GB", "SE"][i % 4]
        lead.marketingConsent = .granted
        let record = try EventRecord.make(lead, source: "bench", topic: "captured").0
        return KafkaMessage(
            topic: "captured", partition: 0, offset: Int64(i), key: record.key, value: record.value,
            headers: record.headers, timestampMs: 0)
    }
}

/// Records written to `topic` so far, from its high watermarks.
func written(_ admin: KafkaAdmin, _ topic: String) async throws -> Int64 {
    var total: Int64 = 0
    for partition in 0..<partitions { total += try await admin.watermarks(TopicPartition(topic, Int32(partition))).high }
    return total
}

func scoringRun(_ benchmark: Benchmark, mode: DeliveryMode) async throws {
    let input = try await capturedBacklog()
    let output = newTopic("scored")
    let changelog = newTopic("changelog")
    let admin = try KafkaAdmin(config: broker.kafkaConfig, logger: logger)
    var settings = TierSettings(
        name: "scoring", groupID: "bench-\(UUID())", inputs: [input], changelog: changelog, kafka: broker.kafkaConfig,
        instanceID: UUID().uuidString)
    settings.mode = mode
    settings.maxBatch = 2_000
    let tier = ScoringTierForBench(config: scoringConfig, output: output)
    benchmark.startMeasurement()
    let runner = TierRunner(settings: settings, tier: tier, logger: logger)
    let task = Task { try await runner.run() }
    while try await written(admin, output) < Int64(events) { try await Task.sleep(for: .milliseconds(20)) }
    benchmark.stopMeasurement()
    runner.stop()
    try await task.value
}

/// The scoring tier writing to a benchmark-private output topic.
actor ScoringTierForBench: Tier {
    let inner: ScoringTier
    let output: String

    init(config: ScoringConfig, output: String) {
        inner = ScoringTier(config: config)
        self.output = output
    }

    func handle(_ input: InboundEvent, state: inout TierState, now: Date) async throws -> [Emit] {
        try await inner.handle(input, state: &state, now: now).map { emit in
            var redirected = emit  // keeps the encoding the tier made, as the runtime would write it
            redirected.topic = output
            return redirected
        }
    }
}

nonisolated(unsafe) let configuration = Benchmark.Configuration(
    metrics: [.wallClock, .cpuTotal, .throughput, .mallocCountTotal, .peakMemoryResident],
    timeUnits: .milliseconds, warmupIterations: 0, scalingFactor: .one, maxDuration: .seconds(60), maxIterations: 3)

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = configuration

    Benchmark("Scoring tier 100k exactly-once / Swift") { benchmark in
        try await scoringRun(benchmark, mode: .exactlyOnce)
    }

    Benchmark("Scoring tier 100k at-least-once / Swift") { benchmark in
        try await scoringRun(benchmark, mode: .atLeastOnce)
    }

    // The same work without Kafka: what decoding, scoring and encoding cost on their own.
    Benchmark("Scoring logic only 100k (decode → score → encode) / Swift") { benchmark in
        let tier = ScoringTier(config: scoringConfig)
        let records = try capturedRecords()
        var state = TierState.detached()
        benchmark.startMeasurement()
        var bytes = 0
        for record in records {
            let (envelope, event) = try EventRecord.decode(record)
            let input = InboundEvent(
                envelope: envelope, event: event, topic: record.topic, partition: 0, offset: record.offset,
                key: event.eventKey, payload: record.value)
            for emit in try await tier.handle(input, state: &state, now: Date()) {
                let out = envelope.caused(
                    type: emit.type.eventType, source: "bizflow/scoring",
                    id: EventID.derived(envelope.id, "scoring", "0"))
                bytes += try EventRecord.make(emit, envelope: out).value.count
            }
        }
        blackHole(bytes)
        benchmark.stopMeasurement()
    }

    Benchmark("Fraud tier 20k orders (11 events each) / Swift") { benchmark in
        try await fraudRun(benchmark)
    }

    Benchmark("Inventory tier 20k orders (7 events each) / Swift") { benchmark in
        try await inventoryRun(benchmark)
    }

    Benchmark("Copy 100k consume→produce / C") { benchmark in
        let input = try await capturedBacklog()
        let output = newTopic("copy")
        benchmark.startMeasurement()
        precondition(raw_copy(broker.bootstrapServers, input, output, "g-\(UUID())", Int32(events)) == 0)
        benchmark.stopMeasurement()
    }

    // The Kafka work of an exactly-once tier in C: a transaction per batch of 2,000, each record copied and written
    // to a changelog topic, the offsets in the transaction. Not a target: it shows what exactly-once costs.
    Benchmark("Copy 100k exactly-once (transaction per 2,000, changelog record per input) / C") { benchmark in
        let input = try await capturedBacklog()
        let (output, changelog) = (newTopic("copy-txn"), newTopic("copy-txn-changelog"))
        benchmark.startMeasurement()
        precondition(
            raw_copy_transactional_timed(
                broker.bootstrapServers, input, output, changelog, "g-\(UUID())", Int32(events), 2_000, nil) == 0)
        benchmark.stopMeasurement()
    }
}
