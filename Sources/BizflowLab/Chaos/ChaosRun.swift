import BizflowCLI
import BizflowEmbeddedBroker
import BizflowEvents
import BizflowKafka
import BizflowLeads
import BizflowOrders
import BizflowPostgres
import BizflowProjector
import BizflowRuntime
import BizflowTopology
import BizflowWorkload
import Foundation
import Logging
import ServiceLifecycle

/// One row of the chaos table: a fault injected while a seeded workload runs on a fresh embedded broker, every tier
/// and the projector in child processes, and the read models compared with the oracle afterwards.
struct ChaosRun {
    struct Options: Sendable {
        var leads = 300
        var orders = 60
        var seed: UInt64 = 7
        /// Kills (or other injections) per fault.
        var rounds = 20
        /// The throwaway PostgreSQL data directory, for restarts (ops/pg restart).
        var pgDirectory: String?
        var databaseURL: String
        var logDirectory: URL
        var lockDuration: Duration = .seconds(30)
        var settleTimeout: Duration = .seconds(300)
    }

    let fault: ChaosFault
    let topology: Topology
    let options: Options
    let database: PostgresConnection
    let logger: Logger

    /// Every process kind: the tiers and the projector.
    static var kinds: [String] { TierCatalog.names + ["projector"] }

    var slug: String { fault.description.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }.reduce("") { $0 + String($1) } }

    func run() async throws -> ChaosRow {
        let started = ContinuousClock.now
        let broker = try EmbeddedBroker(logger: logger)
        _ = try await topology.apply(to: broker)
        try await ProjectionAdmin.reset(database: database, group: "projector")

        let sink = fault == .webhooks ? DemoSink(.flaky(slow: .milliseconds(300), dead: Self.isDead)) : DemoSink()
        let sinkGroup = ServiceGroup(configuration: .init(services: [sink.application(logger: logger)], logger: logger))
        let sinkTask = Task { try await sinkGroup.run() }
        let sinkURL = try await sink.url()
        var environment = [
            "DATABASE_URL": options.databaseURL, "BIZFLOW_DELIVERY_URL": sinkURL + "/deliveries",
            "BIZFLOW_NOTIFY_URL": sinkURL + "/notifications", "BIZFLOW_WEBHOOK_SECRET": "chaos",
        ]
        if fault == .endTxnDelay { environment["KAFKA_CONFIG_TRANSACTION_TIMEOUT_MS"] = "5000" }
        // Local state stores of their own per row: a killed process restarts over its unclean stores, as in production.
        let rowDirectory = options.logDirectory.appendingPathComponent(slug)
        try? FileManager.default.removeItem(at: rowDirectory.appendingPathComponent("state"))
        let processes = try ChaosProcesses(
            arguments: ["--bootstrap", broker.bootstrapServers, "--state-dir", rowDirectory.appendingPathComponent("state").path],
            environment: environment, logDirectory: rowDirectory)
        let target = fault.target
        if let target { try processes.start(target, tiers: [target], instance: "\(target)-1") }
        let leadTiers = LeadTiers.definitions.names.filter { $0 != target }
        let orderTiers = OrderTiers.definitions.names.filter { $0 != target }
        if !leadTiers.isEmpty { try processes.start("leads", tiers: leadTiers, instance: "leads-1") }
        if !orderTiers.isEmpty { try processes.start("orders", tiers: orderTiers, instance: "orders-1") }
        if target != "projector" { try processes.start("projector", tiers: ["projector"], instance: "projector-1") }

        let producer = try KafkaProducer(configuration: .init(kafka: broker.kafkaConfig), logger: logger)
        @Sendable func send(_ events: [any DomainEvent], _ topic: String) async throws {
            try await producer.sendBatch(events.map { try EventRecord.make($0, source: "bizflow/chaos", topic: topic).0 })
            try await producer.flush()
        }
        let plan = WorkloadPlan(leads: options.leads, orders: options.orders, seed: options.seed)
        let inputs = plan.stock.count + plan.leads.count + plan.engagements.count + plan.orders.count
        let poison = fault == .poison ? try ChaosPoison(inputs: inputs, seed: options.seed) : nil
        let driver = WorkloadDriver(plan: plan, send: send)
        let feed = try DriverFeed.start(driver, kafka: broker.kafkaConfig, group: "bizflow-chaos-driver", logger: logger)
        var runs = 0
        var notes: [String] = []
        var injectionProblems: [String] = []
        do {
            try await send(plan.stock, "inventory.stock")
            let gate = WorkloadGate()
            let injector = ChaosInjector(
                fault: fault, broker: broker, processes: processes, database: database, options: options, logger: logger,
                gate: gate)
            let injecting = Task { try await injector.inject() }
            try await sendWorkload(
                plan, cancels: await driver.earlyCancels(), poison: poison, send: send, producer: producer,
                over: injector.expectedDuration, gate: { if case .zombie = fault { await gate.hold() } })
            let injected = try await injecting.value
            runs = injected.runs
            notes += injected.notes
            injectionProblems = injected.problems
        } catch {
            injectionProblems.append("the run failed: \(error)")
        }
        let check = ChaosCheck(plan: plan, poison: poison)
        let settled = try await settle(check, plan: plan) { fault == .webhooks ? try await webhookProblems(sink) : [] }
        var problems = injectionProblems + settled.problems
        let deadLettered = try await Self.deadLettered(database)
        if let poison, deadLettered != poison.records.count {
            problems.append("dead-lettered \(deadLettered) inputs, injected \(poison.records.count)")
        }
        let processed = Int(try await database.query("SELECT count(*) AS n FROM applied_events").int(0, "n") ?? 0)

        feed.cancel()
        await processes.stopAll()
        await producer.close()
        await sinkGroup.triggerGracefulShutdown()
        _ = try? await sinkTask.value
        let failures = await driver.failures
        problems += failures.prefix(3).map { "driver: \($0)" }
        return ChaosRow(
            fault: fault.description, runs: runs,
            eventsIn: inputs + (poison?.records.count ?? 0), processed: processed, deadLettered: deadLettered,
            lost: settled.lost, duplicated: settled.duplicated, problems: problems, notes: notes,
            seconds: (ContinuousClock.now - started).seconds)
    }

    /// Leads, engagement and orders in chunks spread over the fault's duration, poison in the middle.
    private func sendWorkload(
        _ plan: WorkloadPlan, cancels: [any DomainEvent], poison: ChaosPoison?, send: @Sendable ([any DomainEvent], String) async throws -> Void,
        producer: KafkaProducer, over duration: Duration, gate: () async -> Void
    ) async throws {
        let chunks = 10
        func slice<T>(_ items: [T], _ index: Int) -> [T] {
            let size = (items.count + chunks - 1) / chunks
            return Array(items.dropFirst(index * size).prefix(size))
        }
        for index in 0..<chunks {
            if index == chunks - 1 { await gate() }
            try await send(slice(plan.leads, index), "leads.captured")
            try await send(slice(plan.engagements, index), "leads.engagement")
            try await send(slice(plan.orders, index), "orders.placed")
            if index == chunks / 2, let poison {
                try await producer.sendBatch(poison.records)
                try await producer.flush()
            }
            try await Task.sleep(for: duration / chunks)
        }
        try await send(cancels, "orders.commands")
    }

    /// Waits until the read models equal the oracle (or the timeout passes); the last comparison.
    private func settle(
        _ check: ChaosCheck, plan: WorkloadPlan, also extra: () async throws -> [String]
    ) async throws -> (lost: Int, duplicated: Int, problems: [String]) {
        let deadline = ContinuousClock.now + options.settleTimeout
        var last: (lost: Int, duplicated: Int, problems: [String]) = (0, 0, ["the read models could not be read"])
        while true {
            // PostgreSQL may be restarting (a fault): a failed read is retried, like the projector does.
            if let outcome = try? await DemoOutcome.read(database), let stock = try? await StockLedger.read(database, plan: plan),
                let more = try? await extra()
            {
                last = check.compare(outcome, stock: stock)
                last.problems += more
                if last.problems.isEmpty { return last }
            }
            if ContinuousClock.now > deadline { return last }
            try await Task.sleep(for: .seconds(1))
        }
    }

    /// Distinct inputs dead-lettered (a tier and the projector may both dead-letter one undecodable record).
    static func deadLettered(_ database: PostgresConnection) async throws -> Int {
        Int(
            try await database.query(
                "SELECT count(DISTINCT (topic, source_partition, source_offset)) AS n FROM dlq_entries"
            ).int(0, "n") ?? 0)
    }

    /// The leads whose deliveries always fail in the webhook fault (about 1 in 10).
    static let isDead: @Sendable (String) -> Bool = { lead in lead.utf8.reduce(0) { ($0 &* 31 &+ Int($1)) & 0xFFFF } % 10 == 0 }

    /// Every message of a healthy lead was delivered (after a failed and a slow attempt); every message of a failing
    /// lead was dead-lettered after the retry budget, and none was delivered.
    private func webhookProblems(_ sink: DemoSink) async throws -> [String] {
        let attempted = sink.leadOfKey.withLock { $0 }
        let delivered = Set(sink.delivered.withLock { $0.values.flatMap { $0 } })
        let rows = try await database.query(
            "SELECT DISTINCT record_key FROM dlq_entries WHERE topic = 'nurture.messages' AND tier = 'delivery'")
        let deadLettered = Set((0..<rows.count).compactMap { rows.value($0, "record_key") })
        var problems: [String] = []
        let healthy = attempted.filter { !Self.isDead($0.value) }
        let failing = Set(attempted.values.filter(Self.isDead))
        if healthy.isEmpty || failing.isEmpty { problems.append("the workload sent no message to a healthy or to a failing lead") }
        let undelivered = healthy.keys.filter { !delivered.contains($0) }
        if !undelivered.isEmpty { problems.append("\(undelivered.count) messages of healthy leads never delivered") }
        if !failing.isSubset(of: deadLettered) {
            problems.append("\(failing.subtracting(deadLettered).count) failing leads' messages not dead-lettered")
        }
        if deadLettered.contains(where: { !Self.isDead($0) }) { problems.append("a healthy lead's message was dead-lettered") }
        return problems
    }
}
