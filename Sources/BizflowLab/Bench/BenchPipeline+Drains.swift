import BizflowCLI
import BizflowHTTP
import BizflowRuntime
import Foundation

extension BenchPipeline {
    /// One stage draining a backlog on its own: the measure its C reference gets (the copier and the loader also run
    /// alone, timed from their first record).
    struct Drain: Sendable {
        var stage: String
        var events = 0
        var seconds = 0.0
        var cpu = 0.0

        /// Where the drain's time went, with `--profile`.
        var profile: Profile?

        var perSecond: Double { seconds > 0 ? Double(events) / seconds : 0 }
        var cpuPerEventMicros: Double { events > 0 ? cpu / Double(events) * 1e6 : 0 }
    }

    /// A stage's process during a drain: CPU seconds per kind of thread (`ProcessCPU.threads`) and seconds per batch
    /// stage of a tier (`bizflow_tier_stage_nanoseconds_total`, from `bizflow run --profile-stages`).
    struct Profile: Sendable {
        var threads: [String: Double] = [:]
        var stages: [String: Double] = [:]

        func subtracting(_ earlier: Profile) -> Profile {
            Profile(
                threads: threads.merging(earlier.threads.mapValues { -$0 }) { $0 + $1 },
                stages: stages.merging(earlier.stages.mapValues { -$0 }) { $0 + $1 })
        }
    }

    /// What a stage's metrics endpoint says now.
    struct Reading: Sendable {
        var processed: Int
        /// Seconds per batch stage so far.
        var stages: [String: Double]
    }

    /// The counter each stage's metrics endpoint counts its processed events with.
    static let processedCounter = [
        "scoring": "bizflow_tier_consumed_total", "assignment": "bizflow_tier_consumed_total",
        "projector": "bizflow_projector_events_total",
    ]

    /// Stops every stage (SIGSTOP), sends `count` leads, then lets one stage at a time drain what waits for it:
    /// scoring its captured leads, then assignment the scored ones, then the projector all three topics. Each is
    /// timed from its SIGCONT (so its first fetch counts against it) to its last processed batch, with the CPU it
    /// used in between. The stops stay well under the group session timeout (10 s), so no member is expelled.
    func drains(_ count: Int, first: inout Int) async throws -> [Drain] {
        // Counters are read before the stop: a stopped process cannot answer.
        var before: [String: Reading] = [:]
        for tier in Self.tiers { before[tier] = try await reading(tier) }
        for tier in Self.tiers { processes.signal(tier, SIGSTOP) }
        do {
            _ = try await sendAtOnce(count, first: &first)
            var result: [Drain] = []
            for (tier, expected) in [("scoring", count), ("assignment", count), ("projector", 3 * count)] {
                let pid = processes.pid(tier)
                let start = Sample(
                    at: ContinuousClock.now, processed: before[tier]?.processed ?? 0, cpu: pid.flatMap { ProcessCPU.seconds($0) } ?? 0,
                    profile: Profile(threads: pid.map(ProcessCPU.threads) ?? [:], stages: before[tier]?.stages ?? [:]))
                processes.signal(tier, SIGCONT)
                result.append(try await drain(tier, from: start, expected: expected))
            }
            return result
        } catch {
            for tier in Self.tiers { processes.signal(tier, SIGCONT) }
            throw error
        }
    }

    /// One look at a draining stage.
    struct Sample: Sendable {
        var at: ContinuousClock.Instant
        var processed: Int
        var cpu: Double
        var profile: Profile
    }

    /// Polls `tier`'s counter until it has processed `expected` more events (or stops moving for 5 s).
    private func drain(_ tier: String, from start: Sample, expected: Int) async throws -> Drain {
        var drain = Drain(stage: tier)
        let deadline = ContinuousClock.now + .seconds(300)
        let pid = processes.pid(tier)
        var last = start
        while ContinuousClock.now < deadline {
            let now = try await reading(tier)
            let at = ContinuousClock.now
            if now.processed != last.processed {
                last = Sample(
                    at: at, processed: now.processed, cpu: pid.flatMap { ProcessCPU.seconds($0) } ?? 0,
                    profile: Profile(threads: pid.map(ProcessCPU.threads) ?? [:], stages: now.stages))
            }
            if now.processed >= start.processed + expected { break }
            if last.processed > start.processed, at - last.at > .seconds(5) { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        guard last.processed > start.processed else {
            throw BenchError("\(tier) processed nothing of its backlog within 5 minutes")
        }
        drain.events = last.processed - start.processed
        drain.seconds = (last.at - start.at).seconds
        drain.cpu = last.cpu - start.cpu
        drain.profile = last.profile.subtracting(start.profile)
        return drain
    }

    /// Events `tier` has processed since it started, from its metrics endpoint.
    func processed(_ tier: String) async throws -> Int { try await reading(tier).processed }

    /// What `tier`'s metrics endpoint says: events processed and seconds per batch stage since it started.
    func reading(_ tier: String) async throws -> Reading {
        guard let port = metricsPorts[tier], let name = Self.processedCounter[tier] else {
            throw BenchError("\(tier) has no metrics endpoint")
        }
        let response = try await metricsClient.send(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(port)/metrics"))
        guard response.isSuccess else { throw BenchError("\(tier)'s metrics endpoint answered \(response.status)") }
        var reading = Reading(processed: 0, stages: [:])
        var total = 0.0
        for line in String(decoding: response.body, as: UTF8.self).split(separator: "\n") {
            guard let value = line.split(separator: " ").last.flatMap({ Double($0) }) else { continue }
            if line.hasPrefix(name) { total += value }
            if line.hasPrefix("bizflow_tier_stage_nanoseconds_total"), let stage = Self.label("stage", in: line) {
                reading.stages[stage, default: 0] += value / 1e9
            }
        }
        reading.processed = Int(total)
        return reading
    }

    /// The value of a label in a Prometheus text line.
    private static func label(_ name: String, in line: Substring) -> String? {
        guard let start = line.range(of: "\(name)=\"") else { return nil }
        let rest = line[start.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    /// Waits (up to a minute) until every stage's metrics endpoint answers: the stages have started.
    func waitForEndpoints() async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        for tier in Self.tiers {
            while (try? await processed(tier)) == nil {
                guard ContinuousClock.now < deadline else {
                    throw BenchError("\(tier)'s metrics endpoint did not answer within a minute: see .bizflow/bench-logs")
                }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// Ports nothing listens on now, for the stages' metrics endpoints.
    static func freePorts(_ count: Int) -> [Int] {
        var sockets: [Int32] = []
        defer { for socket in sockets { close(socket) } }
        var ports: [Int] = []
        for _ in 0..<count {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
                }
            }
            sockets.append(fd)  // held open until all are chosen, so the same port is not picked twice
            if bound { ports.append(Int(UInt16(bigEndian: address.sin_port))) }
        }
        return ports
    }
}
