import ArgumentParser
import BizflowCLI
import BizflowEmbeddedBroker
import BizflowKafka
import BizflowProjector
import BizflowRuntime
import Foundation

/// `bizflow-lab bench`: end-to-end load on the embedded broker and PostgreSQL — a fixed offered rate, a ramp to
/// saturation, a backlog, and half of saturation — with the C librdkafka copiers, the Python scoring peer and the C
/// libpq loader measured in the same run as references, printed as ratios and written as JSON.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "End-to-end load (captured → projected) with per-tier throughput, CPU per event, RSS and latency percentiles, against C references in the same run (ops/bench starts PostgreSQL).")

    @Option(help: "The fixed offered rate, leads per second.") var rate: Double = 300
    @Option(help: "Seconds of each phase.") var seconds = 15
    @Option(help: "Offered rates of the ramp, comma-separated.") var ramp = "500,1000,2000,4000"
    @Option(help: "Leads sent at once for the backlog phase.") var backlog = 20_000
    @Option(help: "Records the C references copy and load.") var referenceRecords = 20_000
    @Option(help: "Where to write the results as JSON.") var json = ".bizflow/bench.json"
    @Flag(help: "Also print where each stage's drain spends its time: batch stages and threads, µs per event.")
    var profile = false
    @Flag(help: "Run the tiers with state in memory instead of on disk (bizflow run's default), to compare the two.")
    var inMemoryState = false
    @OptionGroup var topologyOptions: TopologyOptions
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var logging: LoggingOptions

    var rampRates: [Double] { ramp.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) } }

    func validate() throws {
        guard rate > 0, seconds > 0, !rampRates.isEmpty, rampRates.allSatisfy({ $0 > 0 }), backlog > 0, referenceRecords > 0 else {
            throw ValidationError("--rate, --seconds, --ramp, --backlog and --reference-records must be positive")
        }
    }

    func run() async throws {
        var logger = logging.logger("bizflow.bench")
        if logger.logLevel >= .warning { logger.logLevel = .error }
        let url = try database.requiredURL(for: "bench", script: "ops/bench")
        let topology = try topologyOptions.loadChecked()
        let peer = try BenchReferences.Peer.find(topologyPath: topologyOptions.path)  // before a long run, not after
        let connection = try await database.migrated(logger, name: "bench")
        try await ProjectionAdmin.reset(database: connection, group: "projector")
        let broker = try EmbeddedBroker(logger: logger)
        _ = try await topology.apply(to: broker)
        // The tiers keep state on disk, as `bizflow run` does by default (a fresh directory per run), unless told not to.
        try? FileManager.default.removeItem(atPath: ".bizflow/bench-state")
        let state = inMemoryState ? ["--in-memory-state"] : ["--state-dir", ".bizflow/bench-state"]
        let processes = try ChaosProcesses(
            arguments: ["--bootstrap", broker.bootstrapServers] + state,
            environment: ["DATABASE_URL": url], logDirectory: URL(fileURLWithPath: ".bizflow/bench-logs"))
        let ports = Dictionary(uniqueKeysWithValues: zip(BenchPipeline.tiers, BenchPipeline.freePorts(BenchPipeline.tiers.count)))
        for tier in BenchPipeline.tiers {
            let extra = (ports[tier].map { ["--metrics-port", "\($0)", "--metrics-host", "127.0.0.1"] } ?? [])
                + (profile && tier != "projector" ? ["--profile-stages"] : [])
            try processes.start(tier, tiers: [tier], instance: "bench-\(tier)", extra: extra)
        }
        let producer = try KafkaProducer(configuration: .init(kafka: broker.kafkaConfig), logger: logger)
        let pipeline = BenchPipeline(processes: processes, database: connection, producer: producer, metricsPorts: ports)
        var next = 0
        var phases: [BenchPipeline.Phase] = []
        var drains: [BenchPipeline.Drain] = []
        do {
            try await pipeline.waitForEndpoints()
            say("▶ warming up (group joins, first fetches)")
            _ = try await pipeline.phase("warm-up", rate: 100, duration: .seconds(3), drain: .seconds(60), first: &next)
            say("▶ fixed rate: \(Int(rate)) leads/s for \(seconds) s")
            phases.append(try await pipeline.phase("fixed \(Int(rate))/s", rate: rate, duration: .seconds(seconds), drain: .seconds(60), first: &next))
            var saturation = 0.0
            for offered in rampRates {
                say("▶ ramp: \(Int(offered)) leads/s")
                let phase = try await pipeline.phase("ramp \(Int(offered))/s", rate: offered, duration: .seconds(seconds), drain: .seconds(120), first: &next)
                phases.append(phase)
                saturation = max(saturation, phase.throughput)
                if phase.throughput < 0.9 * offered { break }  // past saturation: the pipeline no longer keeps up
            }
            say("▶ backlog: \(backlog) leads at once")
            phases.append(try await pipeline.backlogPhase(backlog, first: &next))
            say("▶ drains: \(backlog) leads waiting for each stage in turn, each draining alone")
            drains = try await pipeline.drains(backlog, first: &next)
            let half = max(1, (saturation / 2).rounded())
            say("▶ half of saturation (\(Int(saturation)) → \(Int(half)) leads/s)")
            phases.append(try await pipeline.phase("half saturation \(Int(half))/s", rate: half, duration: .seconds(seconds), drain: .seconds(60), first: &next))
        } catch {
            await processes.stopAll()
            throw error
        }
        await processes.stopAll()
        await producer.close()
        say("▶ references: the C copiers, the Python scoring peer, the C loader and the scoring logic alone, \(referenceRecords) records each")
        let (copier, transactionalCopier, python) = try await BenchReferences.kafka(broker: broker, count: referenceRecords, peer: peer)
        let loader = try await BenchReferences.loader(url: url, count: referenceRecords)
        let logic = try await BenchReferences.logic(
            count: referenceRecords, configDirectory: (topologyOptions.path as NSString).deletingLastPathComponent)
        try? await ProjectionAdmin.reset(database: connection, group: "projector")  // the bench leads go
        await connection.close()
        let report = BenchReport(
            phases: phases, drains: drains, copier: copier, transactionalCopier: transactionalCopier, peer: python,
            loader: loader, logic: logic)
        say("")
        say(report.table())
        try FileManager.default.createDirectory(
            atPath: (json as NSString).deletingLastPathComponent.isEmpty ? "." : (json as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true)
        try jsonText(report.json).write(toFile: json, atomically: true, encoding: .utf8)
        say("▶ results: \(json)")
    }
}
