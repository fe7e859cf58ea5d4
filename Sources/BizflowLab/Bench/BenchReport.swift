import BizflowCLI
import Foundation

/// The results of `bizflow-lab bench`: per phase and tier, and the ratios against the C references of the same run.
struct BenchReport {
    var phases: [BenchPipeline.Phase]
    /// Each stage draining a backlog alone: where the ratios come from (the references run alone too).
    var drains: [BenchPipeline.Drain]
    var copier: BenchReferences.Result
    /// The same copy with a tier's transactions and changelog records: not a target, it shows what exactly-once costs.
    var transactionalCopier: BenchReferences.Result
    /// An exactly-once scoring tier in Python doing the Swift scoring tier's work (Benchmarks/PythonPeer).
    var peer: BenchReferences.Result
    var loader: BenchReferences.Result
    /// The scoring tier's Swift work without Kafka: with the exactly-once copier, what a tier costs with no runtime.
    var logic: BenchReferences.Result

    func drain(_ stage: String) -> BenchPipeline.Drain? { drains.first { $0.stage == stage } }

    func perSecond(_ phase: BenchPipeline.Phase, _ tier: String) -> Double {
        phase.seconds > 0 ? Double(phase.processed[tier] ?? 0) / phase.seconds : 0
    }

    func cpuPerEvent(_ phase: BenchPipeline.Phase, _ tier: String) -> Double {
        let processed = phase.processed[tier] ?? 0
        return processed > 0 ? (phase.cpu[tier] ?? 0) / Double(processed) * 1e6 : 0
    }

    func table() -> String {
        func f(_ value: Double, _ digits: Int = 0) -> String { String(format: "%.\(digits)f", value) }
        var rows = [["phase", "offered/s", "projected/s", "p50 ms", "p99 ms", "p99.9 ms"]]
        for phase in phases {
            rows.append([
                phase.name, phase.offered > 0 ? f(phase.offered) : "-", f(phase.throughput), f(phase.percentile(50), 1),
                f(phase.percentile(99), 1), f(phase.percentile(99.9), 1),
            ])
        }
        var tiers = [["phase", "tier", "events/s", "CPU µs/event", "RSS MB"]]
        for phase in phases {
            for tier in BenchPipeline.tiers {
                let low = phase.rssLow[tier].map { "\($0 / 1_048_576)–" } ?? ""
                tiers.append([
                    phase.name, tier, f(perSecond(phase, tier)), f(cpuPerEvent(phase, tier), 1),
                    low + "\((phase.rss[tier] ?? 0) / 1_048_576)",
                ])
            }
        }
        var alone = [["stage, draining alone", "events", "events/s", "CPU µs/event"]]
        for drain in drains {
            alone.append([drain.stage, "\(drain.events)", f(drain.perSecond), f(drain.cpuPerEventMicros, 1)])
        }
        var ratios = [["ratio (same run)", "value", "target"]]
        for (name, value, target) in ratioList() { ratios.append([name, f(value, 2), target]) }
        let references = [
            ["reference", "records/s", "CPU µs/record"],
            [copier.name, f(copier.perSecond), f(copier.cpuPerRecordMicros, 1)],
            [transactionalCopier.name, f(transactionalCopier.perSecond), f(transactionalCopier.cpuPerRecordMicros, 1)],
            [peer.name, f(peer.perSecond), f(peer.cpuPerRecordMicros, 1)],
            [loader.name, f(loader.perSecond), f(loader.cpuPerRecordMicros, 1)],
            [logic.name, f(logic.perSecond), f(logic.cpuPerRecordMicros, 1)],
        ]
        return ([
            TextTable.render(rows), TextTable.render(tiers), TextTable.render(alone), TextTable.render(references),
            TextTable.render(ratios),
        ] + profileTables())
            .joined(separator: "\n\n")
    }

    /// Per drain with a profile: µs per event by batch stage (the runner's task, wall time) and by thread (CPU).
    func profileTables() -> [String] {
        drains.compactMap { drain -> String? in
            guard let profile = drain.profile, drain.events > 0 else { return nil }
            func micros(_ seconds: Double) -> String { String(format: "%.2f", seconds / Double(drain.events) * 1e6) }
            var rows = [["\(drain.stage): where an event's time goes", "µs/event"]]
            for stage in ["read", "handle", "write", "plan", "produce", "commit"] {
                if let seconds = profile.stages[stage] { rows.append(["stage \(stage) (runner task, wall)", micros(seconds)]) }
            }
            let names = [
                "swift": "Swift's pool: runner, tier, metrics endpoint (CPU)", "bz:consumer": "consumer poll thread (CPU)",
                "bz:producer": "producer delivery reports (CPU)", "librdkafka": "librdkafka's threads (CPU)",
            ]
            for (kind, seconds) in profile.threads.sorted(by: { $0.key < $1.key }) {
                rows.append([names[kind] ?? "thread \(kind) (CPU)", micros(seconds)])
            }
            rows.append(["the process (CPU)", micros(drain.cpu)])
            return TextTable.render(rows)
        }
    }

    /// (what, value, target) for every ratio the targets name.
    func ratioList() -> [(String, Double, String)] {
        var list: [(String, Double, String)] = []
        for tier in ["scoring", "assignment"] {
            guard let drain = drain(tier) else { continue }
            list.append((
                "\(tier) CPU/event ÷ exactly-once copier CPU/record",
                drain.cpuPerEventMicros / max(transactionalCopier.cpuPerRecordMicros, 0.001), "≤ 2"
            ))
            list.append(("\(tier) CPU/event ÷ copier CPU/record", drain.cpuPerEventMicros / max(copier.cpuPerRecordMicros, 0.001), "(no target)"))
            list.append(("\(tier) events/s ÷ copier records/s", drain.perSecond / max(copier.perSecond, 0.001), "≥ 0.8"))
        }
        if let drain = drain("scoring") {
            list.append(("scoring CPU/event ÷ Python scoring peer CPU/record", drain.cpuPerEventMicros / max(peer.cpuPerRecordMicros, 0.001), "≤ 0.25"))
        }
        list.append(("scoring logic alone, CPU µs/event", logic.cpuPerRecordMicros, "≤ 2"))
        // Where the budget goes: the Kafka work of an exactly-once tier (in C) plus the scoring logic (Swift, no
        // Kafka) is a tier with no runtime of its own; what the scoring drain costs beyond that is the runtime's.
        let floor = transactionalCopier.cpuPerRecordMicros + logic.cpuPerRecordMicros
        list.append(("(exactly-once copier + scoring logic) CPU ÷ exactly-once copier CPU: a tier with no runtime", floor / max(transactionalCopier.cpuPerRecordMicros, 0.001), "(no target)"))
        if let drain = drain("projector") {
            list.append(("projector events/s ÷ loader records/s", drain.perSecond / max(loader.perSecond, 0.001), "≥ 0.6"))
        }
        if let backlog = phases.first(where: { $0.name.hasPrefix("backlog") }) {
            for tier in BenchPipeline.tiers {
                let high = Double(backlog.rss[tier] ?? 0), low = Double(max(backlog.rssLow[tier] ?? 1, 1))
                list.append(("\(tier) RSS highest ÷ lowest while a backlog drains", high / low, "flat (≈ 1)"))
            }
        }
        return list
    }

    var json: [String: Any] {
        [
            "machine": machine,
            "phases": phases.map { phase in
                [
                    "name": phase.name, "offered_per_s": phase.offered, "sent": phase.sent, "projected": phase.projected,
                    "projected_per_s": phase.throughput, "seconds": phase.seconds,
                    "latency_ms": ["p50": phase.percentile(50), "p99": phase.percentile(99), "p99.9": phase.percentile(99.9)],
                    "tiers": Dictionary(uniqueKeysWithValues: BenchPipeline.tiers.map { tier in
                        (tier, [
                            "events_per_s": perSecond(phase, tier), "cpu_us_per_event": cpuPerEvent(phase, tier),
                            "rss_bytes": phase.rss[tier] ?? 0, "rss_low_bytes": phase.rssLow[tier] ?? 0,
                        ] as [String: Any])
                    }),
                ] as [String: Any]
            },
            "drains": drains.map {
                [
                    "stage": $0.stage, "events": $0.events, "seconds": $0.seconds, "events_per_s": $0.perSecond,
                    "cpu_us_per_event": $0.cpuPerEventMicros,
                    "profile_seconds": $0.profile.map { ["threads": $0.threads, "stages": $0.stages] } ?? [:],
                ] as [String: Any]
            },
            "references": [copier, transactionalCopier, peer, loader, logic].map {
                ["name": $0.name, "records": $0.records, "records_per_s": $0.perSecond, "cpu_us_per_record": $0.cpuPerRecordMicros]
            },
            "ratios": ratioList().map { ["ratio": $0.0, "value": $0.1, "target": $0.2] },
        ]
    }

    /// Where the numbers came from.
    var machine: [String: Any] {
        let info = ProcessInfo.processInfo
        return [
            "host": info.hostName, "cores": info.activeProcessorCount, "memory_gib": Int(info.physicalMemory >> 30),
            "os": info.operatingSystemVersionString, "date": Date().formatted(.iso8601),
        ]
    }
}
