import BizflowCLI
import BizflowEvents
import BizflowHTTP
import BizflowKafka
import BizflowPostgres
import BizflowRuntime
import BizflowWorkload
import Foundation
import Histogram

/// The lead pipeline under load for `bizflow-lab bench`: scoring, assignment and the projector, each in a child process
/// of its own (so each one's CPU is its own), fed captured leads at a paced rate; end-to-end latency is from the send
/// to the lead's assignment outcome (assigned, or queued when every rep is at capacity) showing in PostgreSQL.
struct BenchPipeline {
    static let tiers = ["scoring", "assignment", "projector"]

    let processes: ChaosProcesses
    let database: PostgresConnection
    let producer: KafkaProducer
    /// Each stage's metrics endpoint port (progress and processed counts are read there).
    let metricsPorts: [String: Int]
    let metricsClient = HTTPClient(concurrency: 2)

    /// What one phase measured.
    struct Phase: Sendable {
        var name: String
        var offered: Double
        var sent = 0
        var projected = 0
        var seconds = 0.0
        var latency = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
        /// Per tier: CPU seconds used and events it processed during the phase, and its RSS at the end.
        var cpu: [String: Double] = [:]
        var processed: [String: Int] = [:]
        var rss: [String: Int] = [:]
        /// Lowest RSS seen while a backlog drained (with `rss` the highest).
        var rssLow: [String: Int] = [:]

        var throughput: Double { seconds > 0 ? Double(projected) / seconds : 0 }
        func percentile(_ p: Double) -> Double { Double(latency.valueAtPercentile(p)) / 1_000 }  // µs → ms
    }

    /// Sends `rate` leads per second for `duration`, then waits (up to `drain`) until all are projected.
    func phase(_ name: String, rate: Double, duration: Duration, drain: Duration, first: inout Int) async throws -> Phase {
        var phase = Phase(name: name, offered: rate)
        let cpuBefore = cpuNow()
        let processedBefore = try await processedNow()
        let start = ContinuousClock.now
        var sentAt: [String: ContinuousClock.Instant] = [:]
        let tick = Duration.milliseconds(20)
        var due = 0.0
        var elapsed = Duration.zero
        let sent = SentLeads()
        let watch = Task { () -> [String: ContinuousClock.Instant] in
            try await watchProjections(sent, until: start + duration + drain)
        }
        while elapsed < duration {
            due += rate * tick.seconds
            let count = Int(due)
            due -= Double(count)
            if count > 0 {
                let leads = (first..<(first + count)).map(Self.lead)
                first += count
                try await producer.sendBatch(try leads.map { try EventRecord.make($0, source: "bizflow/bench", topic: "leads.captured").0 })
                let now = ContinuousClock.now
                for lead in leads { sentAt[lead.leadID] = now }
                sent.add(leads.map(\.leadID))
            }
            elapsed = ContinuousClock.now - start
            let next = start + tick * Int((elapsed / tick).rounded(.up))
            try await Task.sleep(until: next, clock: .continuous)
            elapsed = ContinuousClock.now - start
        }
        try await producer.flush()
        phase.sent = sentAt.count
        sent.finish()
        let seen = try await watch.value
        var last = start
        for (lead, at) in seen {
            guard let sent = sentAt[lead] else { continue }
            phase.projected += 1
            _ = phase.latency.record(UInt64(max(0, (at - sent).seconds * 1_000_000)))
            last = max(last, at)
        }
        phase.seconds = (last - start).seconds
        try await account(&phase, cpuBefore: cpuBefore, processedBefore: processedBefore)
        for tier in Self.tiers { phase.rss[tier] = processes.pid(tier).flatMap(ProcessCPU.residentBytes) ?? 0 }
        return phase
    }

    /// Polls PostgreSQL for the sent leads without an assignment outcome yet; the first time each was seen. Ends
    /// when every lead of a finished sender was seen, or at `deadline`.
    func watchProjections(_ sent: SentLeads, until deadline: ContinuousClock.Instant) async throws -> [String: ContinuousClock.Instant] {
        var seen: [String: ContinuousClock.Instant] = [:]
        while ContinuousClock.now < deadline {
            let (ids, complete) = sent.snapshot()
            let waiting = ids.filter { seen[$0] == nil }
            if complete && waiting.isEmpty { break }
            for chunk in stride(from: 0, to: waiting.count, by: 5_000) {
                let slice = Array(waiting[chunk..<min(chunk + 5_000, waiting.count)])
                // A failed read (PostgreSQL restarting) is tried again on the next round, like the projector does.
                guard
                    let rows = try? await database.query(
                        "SELECT DISTINCT lead_id FROM assignments WHERE tenant_id = $1 AND lead_id = ANY($2::text[])",
                        [.text(WorkloadPlan.tenant), .textArray(slice)])
                else { continue }
                let now = ContinuousClock.now
                for row in 0..<rows.count { if let id = rows.value(row, "lead_id") { seen[id] = now } }
            }
            // 25 ms, plus 1 ms per 100 leads still waiting: a 20,000-lead backlog is looked up every 225 ms, not every
            // 25 ms (those lookups took a PostgreSQL core away from the projector being measured); latencies are
            // seconds by then, so the coarser resolution costs them under 1 %.
            try await Task.sleep(for: .milliseconds(25 + waiting.count / 100))
        }
        return seen
    }

    /// Each tier's CPU seconds and processed events since the phase began.
    func account(_ phase: inout Phase, cpuBefore: [String: Double], processedBefore: [String: Int]) async throws {
        let cpuAfter = cpuNow()
        let processedAfter = try await processedNow()
        for tier in Self.tiers {
            phase.cpu[tier] = (cpuAfter[tier] ?? 0) - (cpuBefore[tier] ?? 0)
            phase.processed[tier] = (processedAfter[tier] ?? 0) - (processedBefore[tier] ?? 0)
        }
    }

    func cpuNow() -> [String: Double] {
        var result: [String: Double] = [:]
        for tier in Self.tiers { result[tier] = processes.pid(tier).flatMap { ProcessCPU.seconds($0) } ?? 0 }
        return result
    }

    /// Events processed per stage since it started, from the stages' metrics endpoints (exact and current, where
    /// the member status topic is only as fresh as the last heartbeat).
    func processedNow() async throws -> [String: Int] {
        var result: [String: Int] = [:]
        for tier in Self.tiers { result[tier] = try await processed(tier) }
        return result
    }

    /// The bench's lead `index`: the varied mix every stage and reference reads (`VariedLeads`), with bench ids.
    static func lead(_ index: Int) -> LeadCaptured {
        var lead = VariedLeads.lead(index, tenant: WorkloadPlan.tenant)
        lead.leadID = "bench-\(index)"
        return lead
    }
}

/// The leads a phase has sent so far, and whether it is done sending (shared by the sender and the watcher).
final class SentLeads: @unchecked Sendable {
    private let lock = NSLock()
    private var ids: [String] = []
    private var complete = false

    func add(_ more: [String]) { lock.withLock { ids += more } }
    func finish() { lock.withLock { complete = true } }
    func snapshot() -> ([String], Bool) { lock.withLock { (ids, complete) } }
}

extension BenchPipeline {
    /// Sends the next `count` leads as fast as the producer takes them and waits for their acknowledgements.
    func sendAtOnce(_ count: Int, first: inout Int) async throws -> [LeadCaptured] {
        let leads = (first..<(first + count)).map(Self.lead)
        first += count
        for chunk in stride(from: 0, to: leads.count, by: 1_000) {
            let slice = leads[chunk..<min(chunk + 1_000, leads.count)]
            try await producer.sendBatch(try slice.map { try EventRecord.make($0, source: "bizflow/bench", topic: "leads.captured").0 })
        }
        try await producer.flush()
        return leads
    }

    /// `count` leads sent as fast as possible, then drained; RSS of every tier sampled each second of the drain.
    func backlogPhase(_ count: Int, first: inout Int) async throws -> Phase {
        var phase = Phase(name: "backlog \(count)", offered: 0)
        let cpuBefore = cpuNow()
        let processedBefore = try await processedNow()
        let start = ContinuousClock.now
        let leads = try await sendAtOnce(count, first: &first)
        let sent = ContinuousClock.now
        let expected = Set(leads.map(\.leadID))
        let tracked = SentLeads()
        tracked.add(leads.map(\.leadID))
        tracked.finish()
        let watch = Task { try await watchProjections(tracked, until: start + .seconds(600)) }
        // Every tier's lowest and highest RSS, sampled each second until the backlog is drained.
        let sampler = Task { [processes] in
            var peaks: [String: (low: Int, high: Int)] = [:]
            repeat {
                for tier in Self.tiers {
                    let rss = processes.pid(tier).flatMap(ProcessCPU.residentBytes) ?? 0
                    let current = peaks[tier] ?? (rss, rss)
                    peaks[tier] = (min(current.low, rss), max(current.high, rss))
                }
                try? await Task.sleep(for: .seconds(1))
            } while !Task.isCancelled
            return peaks
        }
        let seen = try await watch.value
        sampler.cancel()
        let peaks = await sampler.value
        var last = start
        for (lead, at) in seen where expected.contains(lead) {
            phase.projected += 1
            _ = phase.latency.record(UInt64(max(0, (at - sent).seconds * 1_000_000)))
            last = max(last, at)
        }
        phase.sent = count
        phase.seconds = (last - start).seconds
        try await account(&phase, cpuBefore: cpuBefore, processedBefore: processedBefore)
        for tier in Self.tiers {
            phase.rss[tier] = peaks[tier]?.high ?? 0
            phase.rssLow[tier] = peaks[tier]?.low ?? 0
        }
        return phase
    }
}
