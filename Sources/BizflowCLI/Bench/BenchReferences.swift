import ArgumentParser
import BizflowEvents
import BizflowKafka
import BizflowLeads
import BizflowPostgres
import BizflowProjector
import BizflowRuntime
import BizflowWorkload
import Foundation
import Logging
import RawLibpq
import RawLibrdkafka
import SwiftProtobuf

/// `bizflow bench-raw copy|copy-txn|load|logic` (hidden): the references of `bizflow bench`, each run in a process of
/// its own so its CPU time is only its own. `copy` is the librdkafka consume → produce loop; `copy-txn` the same with an
/// exactly-once tier's Kafka work (a transaction per batch, a changelog record per input, the offsets); `load` sends
/// the projector's SQL for the same events through libpq's C API, a pipeline per transaction; `logic` is the scoring
/// tier's own Swift work without Kafka (envelope, decode, normalise, score, encode, the output record).
struct BenchRawCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-raw", abstract: "C reference loops for bizflow bench.", shouldDisplay: false)

    @Argument(help: "copy, copy-txn, load, logic or leads (writes --count varied leads to --output)") var loop: String
    @Option var bootstrap = ""
    @Option var input = ""
    @Option var output = ""
    @Option var changelog = ""
    @Option var count = 10_000
    @Option var url = ""
    @Option(help: "The directory of scoring.yaml (logic).") var configDirectory = "Topology"
    @Option(help: "Events per transaction (the projector's and the tiers' default batch).") var batch = 2_000
    @Option(help: "Where to write the loop's wall and CPU seconds (the loop only, not the set-up).") var report = ""

    func run() async throws {
        switch loop {
        case "copy":
            // Timed from the first record: the group join (seconds on the embedded broker) is not copying.
            var active = 0.0
            try await measured(wall: { active }) {
                raw_copy_timed(bootstrap, input, output, "raw-copy-\(UUID().uuidString.prefix(8))", Int32(count), &active)
            }
        case "copy-txn":
            var active = 0.0
            try await measured(wall: { active }) {
                raw_copy_transactional_timed(
                    bootstrap, input, output, changelog, "raw-txn-\(UUID().uuidString.prefix(8))", Int32(count), Int32(batch), &active)
            }
        case "load":
            try await load()
        case "logic":
            try await logic()
        case "leads":
            try await seedLeads()
        default:
            throw ValidationError("copy, copy-txn, load, logic or leads")
        }
    }

    /// A lead's events as the projector sees them: captured, scored, assigned.
    static func leadEvents(_ index: Int) -> [any DomainEvent] {
        let lead = BenchPipeline.lead(index)
        let scored = LeadScored.with {
            $0.leadID = lead.leadID
            $0.tenantID = lead.tenantID
            $0.total = 72
            $0.band = .warm
            $0.confidence = 0.8
            $0.reasons = [ScoreReason.with { $0.factor = "title"; $0.points = 20; $0.detail = "CTO" }]
            $0.lead = lead
            $0.scoredAt = Google_Protobuf_Timestamp(date: Date())
        }
        let assigned = LeadAssigned.with {
            $0.leadID = lead.leadID
            $0.tenantID = lead.tenantID
            $0.repID = "rep-1"
            $0.repName = "Rita"
            $0.strategy = "territory"
            $0.scored = scored
            $0.assignedAt = Google_Protobuf_Timestamp(date: Date())
        }
        return [lead, scored, assigned]
    }

    /// The scoring tier's handling of the copiers' leads, as the runner calls it, with no Kafka: what the domain work
    /// costs on its own, so a tier's CPU splits into Kafka work, this, and what the runtime adds.
    private func logic() async throws {
        let tier = try LeadTiers.make("scoring", configDirectory: configDirectory, partitions: 1, topics: LeadTopics())
        let records = try (0..<count).map { index in
            let record = try EventRecord.make(VariedLeads.lead(index), source: "bizflow/bench", topic: "leads.captured").0
            return KafkaMessage(
                topic: record.topic, partition: 0, offset: Int64(index), key: record.key, value: record.value,
                headers: record.headers, timestampMs: 0)
        }
        let empty = TierState.detached()
        var written = 0
        try await measured {
            for record in records {
                let (envelope, event) = try EventRecord.decode(record)
                let input = InboundEvent(
                    envelope: envelope, event: event, topic: record.topic, partition: 0, offset: record.offset,
                    key: event.eventKey, payload: record.value)
                var state = empty
                for (index, emit) in try await tier.handle(input, state: &state, now: Date()).enumerated() {
                    let caused = envelope.caused(
                        type: emit.type.eventType, source: "bizflow/scoring", time: Date(),
                        id: EventID.derived(envelope.id, "scoring", String(index)))
                    written += try EventRecord.make(emit, envelope: caused).value.count
                }
            }
            return written > 0 ? 0 : 1
        }
    }

    /// Writes `count` varied captured leads (`VariedLeads`) to `output`: a backlog to drain by hand or in a script.
    private func seedLeads() async throws {
        try await BenchReferences.seedLeads(count, to: output, kafka: KafkaConfig(bootstrapServers: bootstrap))
    }

    /// Runs a reference loop and writes its wall and CPU seconds (this process, only while the loop runs) to `report`.
    private func measured(wall: (() -> Double)? = nil, _ loop: () async throws -> Int32) async throws {
        func cpu() -> Double {
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        }
        let (wallBefore, cpuBefore) = (Date(), cpu())
        guard try await loop() == 0 else { throw ExitCode(1) }
        let text = "\(wall?() ?? Date().timeIntervalSince(wallBefore)) \(cpu() - cpuBefore)"
        try text.write(toFile: report, atomically: true, encoding: .utf8)
    }

    /// The projector's statements for `count` events of the lead pipeline, `batch` events per transaction.
    private func load() async throws {
        var sql: [UnsafePointer<CChar>?] = []
        var nparams: [Int32] = []
        var params: [UnsafePointer<CChar>?] = []
        var txStart: [Int32] = [0]
        // What the projector sees per lead in the pipeline: captured, scored, assigned (count is in events).
        var all: [(EventEnvelope, any DomainEvent)] = []
        var index = 0
        while all.count < count {
            for event in Self.leadEvents(1_000_000_000 + index) where all.count < count {
                all.append((EventEnvelope(source: "bizflow/bench", type: type(of: event).eventType, tenantID: event.tenantID), event))
            }
            index += 1
        }
        for start in stride(from: 0, to: all.count, by: batch) {
            let chunk = all[start..<min(start + batch, all.count)]
            var statements = chunk.flatMap { Projection.statements(for: $0.1, envelope: $0.0) }
            statements.append(ProjectorStore.markApplied(chunk.map { $0.0.id }))
            statements += ProjectorStore.saveOffsets(
                group: "raw-load", [TopicPartition("raw-load", 0): (Int64(start + chunk.count), nil)])
            for statement in statements {
                sql.append(UnsafePointer(strdup(statement.sql)))
                nparams.append(Int32(statement.parameters.count))
                params += statement.parameters.map { $0.text.map { UnsafePointer(strdup($0)) } ?? nil }
            }
            txStart.append(Int32(sql.count))
        }
        defer { for pointer in sql + params { free(UnsafeMutablePointer(mutating: pointer)) } }
        try await measured { raw_pg_load(url, Int32(txStart.count - 1), txStart, sql, nparams, params) }
    }
}

/// The C references, measured in child processes.
enum BenchReferences {
    struct Result: Sendable {
        var name: String
        var records: Int
        var wall: Double
        var cpu: Double
        var perSecond: Double { wall > 0 ? Double(records) / wall : 0 }
        var cpuPerRecordMicros: Double { records > 0 ? cpu / Double(records) * 1e6 : 0 }
    }

    /// The C copiers over `count` captured leads: the records the scoring tier reads (payload, key and CloudEvents
    /// headers, produced first by Swift, outside the timing), copied with their headers: once by the plain loop (the
    /// targets' reference), once with a tier's transactions and changelog records (what exactly-once costs in C).
    static func copiers(broker: EmbeddedBroker, count: Int) async throws -> (plain: Result, transactional: Result) {
        let suffix = UUID().uuidString.prefix(6)
        let (input, output, changelog) = ("bench.raw.in.\(suffix)", "bench.raw.out.\(suffix)", "bench.raw.changelog.\(suffix)")
        _ = try await broker.createTopics([input, output, changelog].map { TopicSpec(name: $0, partitions: 6, replicationFactor: 1) })
        try await seedLeads(count, to: input, kafka: broker.kafkaConfig)
        let common = ["--bootstrap", broker.bootstrapServers, "--input", input, "--output", output, "--count", "\(count)"]
        let plain = try await child(["copy"] + common, "the C copier")
        let transactional = try await child(["copy-txn", "--changelog", changelog] + common, "the transactional C copier")
        return (
            Result(name: "C librdkafka copier", records: count, wall: plain.wall, cpu: plain.cpu),
            Result(name: "C librdkafka copier, exactly-once", records: count, wall: transactional.wall, cpu: transactional.cpu)
        )
    }

    /// The scoring tier's Swift work alone over `count` leads (no Kafka), from the scoring rules in `configDirectory`.
    static func logic(count: Int, configDirectory: String) async throws -> Result {
        let (wall, cpu) = try await child(["logic", "--count", "\(count)", "--config-directory", configDirectory], "the logic loop")
        return Result(name: "Swift scoring logic alone (no Kafka)", records: count, wall: wall, cpu: cpu)
    }

    /// Writes `VariedLeads` 0..<`count` to `topic`: the records the references and the scoring tier read.
    static func seedLeads(_ count: Int, to topic: String, kafka: KafkaConfig) async throws {
        var logger = Logger(label: "bizflow.bench.leads")
        logger.logLevel = .error
        let producer = try KafkaProducer(configuration: .init(kafka: kafka), logger: logger)
        for start in stride(from: 0, to: count, by: 1_000) {
            try await producer.sendBatch(
                try (start..<min(start + 1_000, count)).map {
                    try EventRecord.make(VariedLeads.lead($0), source: "bizflow/bench", topic: topic).0
                })
        }
        try await producer.flush()
        await producer.close()
    }

    /// The C libpq loader with the projector's SQL for `count` events.
    static func loader(url: String, count: Int) async throws -> Result {
        let (wall, cpu) = try await child(["load", "--url", url, "--count", "\(count)"], "the C loader")
        return Result(name: "C libpq loader", records: count, wall: wall, cpu: cpu)
    }

    /// Runs `bizflow bench-raw …` and reads the loop's wall and CPU seconds from its report.
    private static func child(_ arguments: [String], _ name: String) async throws -> (wall: Double, cpu: Double) {
        let binary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        let report = FileManager.default.temporaryDirectory.appendingPathComponent("bizflow-bench-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: report) }
        let run = await ProcessCPU.run(binary, ["bench-raw"] + arguments + ["--report", report])
        guard run.status == 0, let text = try? String(contentsOfFile: report, encoding: .utf8) else {
            throw BenchError("\(name) failed (exit status \(run.status))")
        }
        let numbers = text.split(separator: " ").compactMap { Double($0) }
        guard numbers.count == 2 else { throw BenchError("\(name) wrote an unreadable report") }
        return (numbers[0], numbers[1])
    }
}

/// A benchmark step that cannot go on.
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
