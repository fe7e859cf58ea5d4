import BizflowEvents
import BizflowRuntime
import Foundation

/// One group's members and whether the live ones own every input partition.
struct GroupReport {
    var group: String
    var tier: String
    /// Partitions per input topic (co-partitioned inputs share the count).
    var partitions: Int
    var members: [MemberStatus]
    var now: Date

    var live: [MemberStatus] { members.filter { !$0.isStale(at: now) } }

    /// Input partition numbers owned by a live member.
    var covered: Set<Int32> { Set(live.flatMap { $0.topicPartitions.map(\.partition) }) }

    var json: [String: Any] {
        [
            "group": group, "tier": tier, "partitions": partitions, "live_members": live.count,
            "covered_partitions": covered.count,
            "members": members.map { member in
                [
                    "instance": member.instanceID, "host": member.host, "pid": Int(member.pid), "tier": member.tier,
                    "member_id": member.clientMemberID, "state": Self.state(member, now: now),
                    "assignment": Dictionary(member.assignment.map { ($0.topic, $0.partitions.map(Int.init)) }) { a, _ in a },
                    "heartbeat_age_s": (now.timeIntervalSince(member.heartbeatAt.date) * 10).rounded() / 10,
                    "processed": Int(member.processed),
                ] as [String: Any]
            },
        ]
    }

    static func state(_ member: MemberStatus, now: Date) -> String {
        if member.isStale(at: now) { return "stale" }
        return member.state == .running ? "running" : "rebalancing"
    }

    static func table(_ reports: [GroupReport], now: Date) -> String {
        var rows = [["group", "tier", "instance", "host", "pid", "state", "partitions", "heartbeat", "processed"]]
        var summary: [String] = []
        for report in reports {
            for member in report.members {
                let numbers = Set(member.topicPartitions.map(\.partition)).sorted().map(String.init).joined(separator: ",")
                let topics = member.assignment.count
                rows.append([
                    report.group, member.tier, member.instanceID, member.host, String(member.pid), state(member, now: now),
                    numbers.isEmpty ? "-" : "\(numbers) (\(topics) topic\(topics == 1 ? "" : "s"))",
                    "\(Int(now.timeIntervalSince(member.heartbeatAt.date).rounded())) s ago", String(member.processed),
                ])
            }
            let stale = report.members.count - report.live.count
            summary.append(
                "\(report.group): \(report.live.count) live member\(report.live.count == 1 ? "" : "s")"
                    + (stale > 0 ? ", \(stale) stale" : "")
                    + ", \(report.covered.count)/\(report.partitions) partitions owned")
        }
        return (rows.count > 1 ? TextTable.render(rows) + "\n\n" : "no member has reported yet\n\n") + summary.joined(separator: "\n")
    }
}
