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

        var perSecond: Double { seconds > 0 ? Double(events) / seconds : 0 }
        var cpuPerEventMicros: Double { events > 0 ? cpu / Double(events) * 1e6 : 0 }
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
        let before = try await processedNow()
        for tier in Self.tiers { processes.signal(tier, SIGSTOP) }
        do {
            _ = try await sendAtOnce(count, first: &first)
            var result: [Drain] = []
            for (tier, expected) in [("scoring", count), ("assignment", count), ("projector", 3 * count)] {
                let cpu = processes.pid(tier).flatMap(ProcessCPU.seconds) ?? 0
                let resumed = ContinuousClock.now
                processes.signal(tier, SIGCONT)
                result.append(try await drain(tier, from: (resumed, before[tier] ?? 0, cpu), expected: expected))
            }
            return result
        } catch {
            for tier in Self.tiers { processes.signal(tier, SIGCONT) }
            throw error
        }
    }

    /// Polls `tier`'s counter until it has processed `expected` more events (or stops moving for 5 s).
    private func drain(
        _ tier: String, from start: (at: ContinuousClock.Instant, count: Int, cpu: Double), expected: Int
    ) async throws -> Drain {
        var drain = Drain(stage: tier)
        let deadline = ContinuousClock.now + .seconds(300)
        var last = start
        while ContinuousClock.now < deadline {
            let count = try await processed(tier)
            let now = ContinuousClock.now
            if count != last.count { last = (now, count, processes.pid(tier).flatMap(ProcessCPU.seconds) ?? 0) }
            if count >= start.count + expected { break }
            if last.count > start.count, now - last.at > .seconds(5) { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        guard last.count > start.count else { throw BenchError("\(tier) processed nothing of its backlog within 5 minutes") }
        drain.events = last.count - start.count
        drain.seconds = (last.at - start.at).seconds
        drain.cpu = last.cpu - start.cpu
        return drain
    }

    /// Events `tier` has processed since it started, from its metrics endpoint.
    func processed(_ tier: String) async throws -> Int {
        guard let port = metricsPorts[tier], let name = Self.processedCounter[tier] else {
            throw BenchError("\(tier) has no metrics endpoint")
        }
        let response = try await metricsClient.send(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(port)/metrics"))
        guard response.isSuccess else { throw BenchError("\(tier)'s metrics endpoint answered \(response.status)") }
        var total = 0.0
        for line in String(decoding: response.body, as: UTF8.self).split(separator: "\n") where line.hasPrefix(name) {
            if let value = line.split(separator: " ").last.flatMap({ Double($0) }) { total += value }
        }
        return Int(total)
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
