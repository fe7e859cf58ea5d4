import Benchmark
import BizflowEvents
import BizflowKafka
import BizflowPostgres
import BizflowProjector
import BizflowRuntime
import Foundation
import Logging
import RawLibpq

// The projector over a backlog on the embedded broker, into a real PostgreSQL (DATABASE_URL), beside a plain libpq
// loader in C sending the same SQL for the same events in the same transactions, in the same run.
// Each event is a LeadScored: three statements (lead upsert, score update, history row) plus, per transaction,
// the applied-event ids and the offsets.
let eventCount = 100_000
let singleCount = 1_000
let partitions = 6

nonisolated(unsafe) var logger: Logger = {
    var logger = Logger(label: "bench")
    logger.logLevel = .error
    return logger
}()

nonisolated(unsafe) let broker = try! EmbeddedBroker(brokers: 1, logger: logger)
let baseURL: String = {
    guard let url = ProcessInfo.processInfo.environment["DATABASE_URL"] else {
        fatalError("set DATABASE_URL to a PostgreSQL it may create databases in (e.g. `ops/pg start /tmp/pg 54329`)")
    }
    return url
}()

func scored(_ i: Int) -> LeadScored {
    var event = LeadScored()
    event.leadID = "lead-\(i % (eventCount / 2))"
    event.tenantID = "acme"
    event.total = Int32(i % 100)
    event.band = .warm
    event.confidence = 0.8
    event.reasons = [ScoreReason.with { $0.component = "demographic"; $0.factor = "seniority"; $0.points = 40 }]
    event.lead.email = "p\(i)@example.com"
    event.lead.industry = "software"
    return event
}

/// A new, migrated database; its URL.
func freshDatabase() async throws -> String {
    let admin = PostgresConnection(configuration: .init(url: baseURL), logger: logger)
    let name = "bizflow_bench_\(UUID().uuidString.prefix(8).lowercased())"
    try await admin.query("CREATE DATABASE \(name)")
    await admin.close()
    let url = baseURL.replacingOccurrences(of: #"/[^/?]*(\?|$)"#, with: "/\(name)$1", options: .regularExpression)
    let connection = PostgresConnection(configuration: .init(url: url), logger: logger)
    try await Migrator().migrate(connection, logger: logger)
    await connection.close()
    return url
}

/// A topic holding `count` events (written outside the measurement), and the events with their envelopes.
func backlog(_ count: Int) async throws -> (topic: String, events: [(EventEnvelope, LeadScored, Int32, Int64)]) {
    let topic = "bench.\(UUID().uuidString.prefix(8)).leads.scored"
    try broker.createTopic(topic, partitions: partitions)
    try broker.createTopic(topic + ".dlq", partitions: partitions)
    let producer = try KafkaProducer(configuration: .init(kafka: broker.kafkaConfig), logger: logger)
    var events: [(EventEnvelope, LeadScored, Int32, Int64)] = []
    for start in stride(from: 0, to: count, by: 2_000) {
        var records: [ProducerMessage] = []
        var batch: [(EventEnvelope, LeadScored)] = []
        for i in start..<min(start + 2_000, count) {
            let (record, envelope) = try EventRecord.make(scored(i), source: "bench", topic: topic)
            records.append(record)
            batch.append((envelope, scored(i)))
        }
        let reports = try await producer.sendAll(records)
        for (report, (envelope, event)) in zip(reports, batch) { events.append((envelope, event, report.partition, report.offset)) }
    }
    await producer.close()
    return (topic, events)
}

func projectorRun(_ benchmark: Benchmark, count: Int, batch: Int) async throws {
    let url = try await freshDatabase()
    let (topic, _) = try await backlog(count)
    var settings = ProjectorSettings(kafka: broker.kafkaConfig, topics: [topic])
    settings.maxBatch = batch
    let database = PostgresConnection(configuration: .init(url: url), logger: logger)
    let checker = PostgresConnection(configuration: .init(url: url), logger: logger)
    let projector = Projector(settings: settings, database: database, logger: logger)
    let task = Task { try await projector.run() }
    // From the moment the group has assigned the partitions: joining a consumer group is Kafka's fixed cost, the
    // same for any consumer, and the loader reads no Kafka at all.
    while await projector.assignment.count < partitions * 2 { try await Task.sleep(for: .milliseconds(1)) }
    benchmark.startMeasurement()
    while try await checker.query("SELECT coalesce(sum(next_offset), 0) AS c FROM projector_offsets").int(0, "c") ?? 0 < Int64(count) {
        try await Task.sleep(for: .milliseconds(20))
    }
    benchmark.stopMeasurement()
    projector.stop()
    try await task.value
    await checker.close()
}

func loaderRun(_ benchmark: Benchmark, count: Int, batch: Int) async throws {
    let url = try await freshDatabase()
    let (topic, events) = try await backlog(count)
    // The projector's transactions, statement for statement (without its check for ids applied before).
    var sql: [UnsafePointer<CChar>?] = []
    var nparams: [Int32] = []
    var params: [UnsafePointer<CChar>?] = []
    var txStart: [Int32] = [0]
    for start in stride(from: 0, to: events.count, by: batch) {
        let chunk = events[start..<min(start + batch, events.count)]
        var statements = chunk.flatMap { Projection.statements(for: $0.1, envelope: $0.0) }
        statements.append(ProjectorStore.markApplied(chunk.map(\.0.id)))
        var offsets: [TopicPartition: (next: Int64, time: Date?)] = [:]
        for event in chunk { offsets[TopicPartition(topic, event.2)] = (event.3 + 1, event.0.time) }
        statements += ProjectorStore.saveOffsets(group: "loader", offsets)
        for statement in statements {
            sql.append(UnsafePointer(strdup(statement.sql)))
            nparams.append(Int32(statement.parameters.count))
            params += statement.parameters.map { $0.text.map { UnsafePointer(strdup($0)) } ?? nil }
        }
        txStart.append(Int32(sql.count))
    }
    benchmark.startMeasurement()
    precondition(raw_pg_load(url, Int32(txStart.count - 1), txStart, sql, nparams, params) == 0)
    benchmark.stopMeasurement()
    for pointer in sql + params { free(UnsafeMutablePointer(mutating: pointer)) }
}

nonisolated(unsafe) let configuration = Benchmark.Configuration(
    metrics: [.wallClock, .cpuTotal, .throughput, .mallocCountTotal, .peakMemoryResident],
    timeUnits: .milliseconds, warmupIterations: 0, scalingFactor: .one, maxDuration: .seconds(60), maxIterations: 3)

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = configuration

    Benchmark("Projector 100k events, batch 500 / Swift") { benchmark in
        try await projectorRun(benchmark, count: eventCount, batch: 500)
    }
    Benchmark("Loader 100k events, batch 500 / C libpq") { benchmark in
        try await loaderRun(benchmark, count: eventCount, batch: 500)
    }
    Benchmark("Projector 1k events, batch 1 / Swift") { benchmark in
        try await projectorRun(benchmark, count: singleCount, batch: 1)
    }
    Benchmark("Loader 1k events, batch 1 / C libpq") { benchmark in
        try await loaderRun(benchmark, count: singleCount, batch: 1)
    }
}
