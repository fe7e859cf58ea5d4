import BizflowCLI
import BizflowEmbeddedBroker
import BizflowEvents
import BizflowKafka
import BizflowRuntime
import Foundation
import Logging

/// The references `bizflow-lab bench` measures the tiers against, each in a child process of its own: the C copiers, the
/// C loader, the scoring logic alone and the Python scoring peer.
enum BenchReferences {
    struct Result: Sendable {
        var name: String
        var records: Int
        var wall: Double
        var cpu: Double
        var perSecond: Double { wall > 0 ? Double(records) / wall : 0 }
        var cpuPerRecordMicros: Double { records > 0 ? cpu / Double(records) * 1e6 : 0 }
    }

    /// The Kafka references over the same `count` captured leads the scoring tier drains (payload, key and CloudEvents
    /// headers, produced first by Swift, outside the timing): the plain C copier (the targets' reference), the C copier
    /// with a tier's transactions and changelog records (what exactly-once costs in C), and the Python scoring peer
    /// (the same work as the Swift scoring tier).
    static func kafka(broker: EmbeddedBroker, count: Int, peer: Peer) async throws -> (plain: Result, transactional: Result, peer: Result) {
        let suffix = UUID().uuidString.prefix(6)
        let topics = ["in", "out", "changelog", "peer.out", "peer.changelog"].map { "bench.raw.\($0).\(suffix)" }
        _ = try await broker.createTopics(topics.map { TopicSpec(name: $0, partitions: 6, replicationFactor: 1) })
        let (input, output, changelog) = (topics[0], topics[1], topics[2])
        try await seedLeads(count, to: input, kafka: broker.kafkaConfig)
        let common = ["--bootstrap", broker.bootstrapServers, "--input", input, "--output", output, "--count", "\(count)"]
        let plain = try await child(["copy"] + common, "the C copier")
        let transactional = try await child(["copy-txn", "--changelog", changelog] + common, "the transactional C copier")
        let python = try await child(
            [
                peer.script, "--bootstrap", broker.bootstrapServers, "--input", input, "--output", topics[3], "--changelog",
                topics[4], "--group", "bench-peer-\(suffix)", "--config", peer.config, "--count", "\(count)",
            ], "the Python scoring peer", executable: peer.python, environment: ["BIZFLOW_PY_PROTOS": peer.protos])
        return (
            Result(name: "C librdkafka copier", records: count, wall: plain.wall, cpu: plain.cpu),
            Result(name: "C librdkafka copier, exactly-once", records: count, wall: transactional.wall, cpu: transactional.cpu),
            Result(name: "Python scoring peer, exactly-once (confluent-kafka)", records: count, wall: python.wall, cpu: python.cpu)
        )
    }

    /// The scoring tier's Swift work alone over `count` leads (no Kafka), from the scoring rules in `configDirectory`.
    static func logic(count: Int, configDirectory: String) async throws -> Result {
        let (wall, cpu) = try await child(["logic", "--count", "\(count)", "--config-directory", configDirectory], "the logic loop")
        return Result(name: "Swift scoring logic alone (no Kafka)", records: count, wall: wall, cpu: cpu)
    }

    /// Writes the bench's leads 0..<`count` to `topic`: the records the references and the scoring tier read.
    static func seedLeads(_ count: Int, to topic: String, kafka: KafkaConfig) async throws {
        var logger = Logger(label: "bizflow.bench.leads")
        logger.logLevel = .error
        let producer = try KafkaProducer(configuration: .init(kafka: kafka), logger: logger)
        for start in stride(from: 0, to: count, by: 1_000) {
            try await producer.sendBatch(
                try (start..<min(start + 1_000, count)).map {
                    try EventRecord.make(BenchPipeline.lead($0), source: "bizflow/bench", topic: topic).0
                })
        }
        try await producer.flush()
        await producer.close()
    }

    /// The scoring tier through the runtime's engine in memory over `count` leads: everything but Kafka.
    static func engine(count: Int, configDirectory: String) async throws -> Result {
        let (wall, cpu) = try await child(["engine", "--count", "\(count)", "--config-directory", configDirectory], "the engine loop")
        return Result(name: "Swift scoring tier through the engine (no Kafka)", records: count, wall: wall, cpu: cpu)
    }

    /// The C libpq loader with the projector's SQL for `count` events.
    static func loader(url: String, count: Int) async throws -> Result {
        let (wall, cpu) = try await child(["load", "--url", url, "--count", "\(count)"], "the C loader")
        return Result(name: "C libpq loader", records: count, wall: wall, cpu: cpu)
    }

    /// Runs `bizflow-lab bench-raw …` (or `executable`) and reads the loop's wall and CPU seconds from its report.
    private static func child(
        _ arguments: [String], _ name: String, executable: String? = nil, environment: [String: String] = [:]
    ) async throws -> (wall: Double, cpu: Double) {
        let binary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        let report = FileManager.default.temporaryDirectory.appendingPathComponent("bizflow-bench-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: report) }
        let command = executable.map { _ in arguments } ?? ["bench-raw"] + arguments
        let run = await ProcessCPU.run(executable ?? binary, command + ["--report", report], environment: environment)
        guard run.status == 0, let text = try? String(contentsOfFile: report, encoding: .utf8) else {
            throw BenchError("\(name) failed (exit status \(run.status))")
        }
        let numbers = text.split(separator: " ").compactMap { Double($0) }
        guard numbers.count == 2 else { throw BenchError("\(name) wrote an unreadable report") }
        return (numbers[0], numbers[1])
    }
}
