import BizflowCLI
import BizflowEmbeddedBroker
import BizflowEvents
import BizflowKafka
import BizflowPostgres
import BizflowRuntime
import Foundation
import Logging

/// Injects one fault while the workload is being sent; says how many injections it made and what it measured.
struct ChaosInjector: Sendable {
    let fault: ChaosFault
    let broker: EmbeddedBroker
    let processes: ChaosProcesses
    let database: PostgresConnection
    let options: ChaosRun.Options
    let logger: Logger
    /// Zombie faults hold the workload's last chunk back until the quiet check is done.
    let gate: WorkloadGate

    /// How long the workload is spread over: long enough for every injection to meet traffic.
    var expectedDuration: Duration {
        switch fault {
        case .kill: .milliseconds(1_800 * options.rounds)
        case .zombie: .seconds(10)
        case .tableLock: options.lockDuration + .seconds(4)
        default: .seconds(12)
        }
    }

    func inject() async throws -> ChaosInjection {
        switch fault {
        case .kill(let kind):
            for _ in 0..<options.rounds {
                try await pause(300...3_000)
                try await processes.killAndRestart(kind)
            }
            return ChaosInjection(runs: options.rounds)
        case .brokerDown:
            let rounds = 3
            for _ in 0..<rounds {
                try await pause(1_000...2_000)
                try broker.setBrokerDown()
                try await Task.sleep(for: .seconds(3))
                try broker.setBrokerUp()
            }
            return ChaosInjection(runs: rounds)
        case .requestErrors:
            let rounds = 6
            for _ in 0..<rounds {
                try await pause(500...1_500)
                broker.pushRequestErrors(.produce, [.notLeader, .requestTimedOut, .notLeader])
                broker.pushRequestErrors(.txnOffsetCommit, [.coordinatorNotAvailable, .notCoordinator])
                broker.pushRequestErrors(.addPartitionsToTxn, [.concurrentTransactions])
                broker.pushRequestErrors(.endTxn, [.coordinatorNotAvailable])
                broker.pushRequestErrors(.offsetCommit, [.requestTimedOut])
                for id in brokers { try? broker.pushBrokerError(.produce, brokerID: id, error: .transport) }
            }
            return ChaosInjection(runs: rounds)
        case .endTxnDelay:
            // Children run with transaction.timeout.ms = 5000: an EndTxn answered after 7 s is past it.
            let rounds = 2
            for _ in 0..<rounds {
                try await pause(2_000...3_000)
                for id in brokers { try broker.pushBrokerError(.endTxn, brokerID: id, error: .noError, delayMs: 7_000) }
            }
            return ChaosInjection(runs: rounds)
        case .zombie(let kind):
            return try await zombie(kind)
        case .postgresRestart:
            guard let directory = options.pgDirectory else { return ChaosInjection(runs: 0, notes: ["skipped: no --pg-dir to restart"]) }
            let rounds = 2
            for _ in 0..<rounds {
                try await pause(2_000...4_000)
                let status = await ProcessCPU.run("ops/pg", ["restart", directory]).status
                guard status == 0 else { return ChaosInjection(runs: 0, problems: ["ops/pg restart failed (\(status))"]) }
            }
            return ChaosInjection(runs: rounds)
        case .tableLock:
            return try await lockTables()
        case .poison, .webhooks:
            return ChaosInjection(runs: 1)
        }
    }

    private var brokers: ClosedRange<Int32> { 1...Int32(broker.brokerCount) }

    private func pause(_ milliseconds: ClosedRange<Int>) async throws {
        try await Task.sleep(for: .milliseconds(Int.random(in: milliseconds)))
    }

    /// Stops the process of `kind` mid-stream and starts a replacement with the same instance id (fencing the old
    /// producer); once the replacement has done the work sent so far and all is quiet, resumes the old one: nothing
    /// may change in Kafka or PostgreSQL because of it. Then the last of the workload flows again (a zombie that
    /// rejoined the group and tries to write must be fenced) and the oracle checks the end state.
    private func zombie(_ kind: String) async throws -> ChaosInjection {
        try await pause(3_000...5_000)
        // What the process owns before it stops: the replacement must own all of it before the quiet check, or work
        // still waiting on a partition the group has not handed over yet would be taken for the zombie's writes.
        let owned = await assignment(of: kind)
        processes.signal(kind, SIGSTOP)
        guard let zombie = processes.pid(kind) else { return ChaosInjection(runs: 0, problems: ["no \(kind) process"]) }
        // Past the session timeout the stopped member is out of the group. A replacement joining earlier would start
        // a rebalance that waits for the stopped member up to max.poll.interval.ms, as a real broker does.
        try await Task.sleep(for: .seconds(12))
        let replacement = "\(kind)-replacement"
        try processes.start(replacement, tiers: [kind], instance: "\(kind)-1")
        guard try await owns(replacement, covering: owned) else {
            processes.signal(kind, SIGCONT)
            await gate.release()
            return ChaosInjection(runs: 0, problems: ["the replacement never owned the partitions of the stopped process"])
        }
        await gate.waitUntilHolding()
        var before = try await footprint()
        // Quiet: nothing moved for 5 s (the replacement has finished what was sent).
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            try await Task.sleep(for: .seconds(5))
            let now = try await footprint()
            if now == before { break }
            before = now
        }
        processes.signal(kind, SIGCONT)
        try await Task.sleep(for: .seconds(10))
        let after = try await footprint()
        var problems: [String] = []
        for (what, count) in after.sorted(by: { $0.key < $1.key }) where count != before[what] {
            problems.append("the zombie changed \(what): \(before[what] ?? 0) → \(count)")
        }
        await gate.release()
        let exited = await processes.waitForExit(zombie, timeout: .seconds(20))
        let status = processes.exitStatus(kind)
        let note =
            exited
            ? "the resumed zombie wrote nothing and exited with status \(status ?? -1) once it had work (fenced)"
            : "the resumed zombie wrote nothing; still running 20 s after new work (it rejoined the group idle)"
        if exited && status == 0 { problems.append("the zombie exited 0 instead of reporting it was fenced") }
        return ChaosInjection(runs: 1, notes: [note], problems: problems)
    }

    /// Waits (up to 2 minutes) until the slot's process reports itself running with partitions in the member topic,
    /// all of `covering` among them.
    private func owns(_ slot: String, covering: Set<TopicPartition> = []) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            if let pid = processes.pid(slot),
                let members = try? await MemberDirectory.read(kafka: broker.kafkaConfig, partitions: 1, logger: logger),
                members.contains(where: {
                    $0.pid == pid && $0.state == .running && !$0.assignment.isEmpty
                        && covering.isSubset(of: Self.partitions($0))
                })
            {
                return true
            }
            try await Task.sleep(for: .seconds(1))
        }
        return false
    }

    /// The partitions a slot's process last reported owning (empty when it has not reported).
    private func assignment(of slot: String) async -> Set<TopicPartition> {
        guard let pid = processes.pid(slot),
            let members = try? await MemberDirectory.read(kafka: broker.kafkaConfig, partitions: 1, logger: logger)
        else { return [] }
        return members.filter { $0.pid == pid }.reduce(into: []) { $0.formUnion(Self.partitions($1)) }
    }

    private static func partitions(_ member: MemberStatus) -> Set<TopicPartition> {
        Set(member.assignment.flatMap { entry in entry.partitions.map { TopicPartition(entry.topic, $0) } })
    }

    /// What a zombie could change while the workload is quiet: every record count in Kafka (not the member status
    /// topic, which every live member heartbeats to) and the projector's applied events and offsets.
    private func footprint() async throws -> [String: Int64] {
        var counts: [String: Int64] = [:]
        let admin = try KafkaAdmin(config: broker.kafkaConfig, logger: logger)
        for topic in try await admin.listTopics() where topic.name != "bizflow.members" {
            var total: Int64 = 0
            for partition in 0..<topic.partitions {
                total += try await admin.watermarks(TopicPartition(topic.name, Int32(partition))).high
            }
            counts["topic \(topic.name)"] = total
        }
        let applied = try await database.query(
            "SELECT (SELECT count(*) FROM applied_events) AS applied, (SELECT coalesce(sum(next_offset), 0) FROM projector_offsets) AS offsets")
        counts["applied_events"] = applied.int(0, "applied") ?? 0
        counts["projector_offsets"] = applied.int(0, "offsets") ?? 0
        return counts
    }

    /// Holds an exclusive lock on the busiest read models while events keep coming; samples the projector's memory.
    private func lockTables() async throws -> ChaosInjection {
        try await pause(1_000...2_000)
        let baseline = processes.residentBytes("projector") ?? 0
        let holder = Task {
            try await database.transaction { tx in
                try tx.query("LOCK TABLE leads, orders, inventory_levels IN ACCESS EXCLUSIVE MODE")
                Thread.sleep(forTimeInterval: options.lockDuration.seconds)
            }
        }
        var peak = baseline
        let until = ContinuousClock.now + options.lockDuration
        while ContinuousClock.now < until {
            peak = max(peak, processes.residentBytes("projector") ?? 0)
            try await Task.sleep(for: .milliseconds(250))
        }
        try await holder.value
        let mb = { (bytes: Int) in bytes / 1_048_576 }
        let note = "projector RSS \(mb(baseline)) MB before, \(mb(peak)) MB at most during a \(Int(options.lockDuration.seconds)) s lock"
        let bounded = peak <= baseline + 256 * 1_048_576
        return ChaosInjection(runs: 1, notes: [note], problems: bounded ? [] : ["memory grew by more than 256 MB while blocked"])
    }

}

/// What an injection did: how many times, what it measured, and what went wrong.
struct ChaosInjection: Sendable {
    var runs: Int
    var notes: [String] = []
    var problems: [String] = []
}
