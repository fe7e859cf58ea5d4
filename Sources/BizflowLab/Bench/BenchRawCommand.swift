import ArgumentParser
import BizflowCLI
import BizflowEvents
import BizflowKafka
import BizflowLeads
import BizflowPostgres
import BizflowProjector
import BizflowRuntime
import BizflowTopology
import BizflowWorkload
import Foundation
import Logging
import RawLibpq
import RawLibrdkafka
import SwiftProtobuf

/// `bizflow-lab bench-raw copy|copy-txn|load|logic|leads` (hidden): the references of `bizflow-lab bench`, each run in a process
/// of its own so its CPU time is only its own. `copy` is the librdkafka consume → produce loop; `copy-txn` the same with
/// an exactly-once tier's Kafka work (a transaction per batch, a changelog record per input, the offsets); `load` sends
/// the projector's SQL for the same events through libpq's C API, a pipeline per transaction; `logic` is the scoring
/// tier's own Swift work without Kafka or runtime (read, validate, normalise, score, write); `engine` the same tier
/// through the runtime's engine in memory (records in, records to write out: everything but Kafka); `leads` seeds a
/// backlog.
struct BenchRawCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-raw", abstract: "C reference loops for bizflow-lab bench.", shouldDisplay: false)

    @Argument(help: "copy, copy-txn, load, logic, engine or leads (writes --count varied leads to --output)") var loop: String
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
        case "engine":
            try await engine()
        case "leads":
            try await seedLeads()
        default:
            throw ValidationError("copy, copy-txn, load, logic, engine or leads")
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

    /// The scoring tier's own work on the copiers' leads, as the runner hands them over (undecoded), with no Kafka and
    /// no runtime: read in place, validate, normalise, score, write the scored event. With the exactly-once copier it
    /// splits a tier's CPU into Kafka work, this, and what the runtime adds.
    private func logic() async throws {
        let tier = try LeadTiers.definitions.make("scoring", TierBuildContext(configDirectory: configDirectory))
        let inputs = try (0..<count).map { index in
            let lead = BenchPipeline.lead(index)
            let (record, envelope) = try EventRecord.make(lead, source: "bizflow/bench", topic: "leads.captured")
            return InboundEvent(
                envelope: envelope, undecoded: LeadCaptured.self, payload: record.value, topic: record.topic, partition: 0,
                offset: Int64(index), key: lead.leadID)
        }
        let now = Date()
        try await measured {
            // Off the main actor, as the runner calls a tier: a hop from the main actor costs more than the work.
            try await Task.detached {
                let empty = TierState.detached()
                var written = 0
                for input in inputs {
                    var state = empty
                    for emit in try await tier.handle(input, state: &state, now: now) { written += emit.encoded?.count ?? 0 }
                }
                return written > 0 ? 0 : 1
            }.value
        }
    }

    /// The scoring tier through the runtime's engine with no Kafka: the bench's leads as consumed records over six
    /// partitions, in batches of `batch`, every record the engine would write made (outputs, changelog, markers).
    private func engine() async throws {
        let tier = try LeadTiers.definitions.make("scoring", TierBuildContext(configDirectory: configDirectory, partitions: 6))
        var settings = TierSettings(
            name: "scoring", groupID: "bench", inputs: ["leads.captured"], changelog: "scoring.changelog",
            kafka: KafkaConfig(), instanceID: "0")
        settings.stateTTL = .seconds(180 * 86_400)  // as the shipped topology
        settings.acceptedTypes["leads.captured"] = [LeadCaptured.eventType]
        settings.outputTopics = try Topology.load(path: configDirectory + "/topology.yaml").outputTopics(ofTier: "scoring")
        let empty = try InMemoryTierRunner(settings: settings, tier: tier, partitions: Array(0..<6))
        let records = try (0..<count).map { index in
            let record = try EventRecord.make(BenchPipeline.lead(index), source: "bizflow/bench", topic: "leads.captured").0
            return KafkaMessage(
                topic: record.topic, partition: Int32(index % 6), offset: Int64(index / 6), key: record.key,
                value: record.value, headers: record.headers, timestampMs: 0)
        }
        let batchSize = batch
        try await measured {
            try await Task.detached {
                var runner = empty
                var written = 0
                for start in stride(from: 0, to: records.count, by: batchSize) {
                    let out = try await runner.process(Array(records[start..<min(start + batchSize, records.count)]), now: Date())
                    written += out.outputs.count + out.changelog.count + out.markers.count
                }
                return written >= 2 * records.count ? 0 : 1
            }.value
        }
    }

    /// Writes `count` of the bench's varied leads to `output`: a backlog to drain by hand or in a script.
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
