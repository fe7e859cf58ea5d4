import BizflowEvents
import BizflowKafka
import BizflowLeads
import BizflowRuntime
import Foundation
import Logging

/// What the demo's lead pipeline produced, read back from its topics.
struct DemoSummary {
    var bands: [String: Int] = [:]
    /// The current rep of each assigned lead.
    var current: [String: String] = [:]
    var reassigned = 0
    var notifications = 0
    var unassigned: [String: Int] = [:]
    var messages: [String: Int] = [:]
    var sample: LeadScored?

    /// Reads the pipeline's outputs until every lead is scored and assigned and simulated time reaches `until`.
    static func collect(
        broker: EmbeddedBroker, leads: Int, until: Date, clock: any TierClock, logger: Logger
    ) async throws -> DemoSummary {
        var config = KafkaConsumer.Configuration(
            kafka: broker.kafkaConfig, groupID: "bizflow-demo-\(UUID().uuidString.prefix(6))",
            topics: ["leads.scored", "leads.assigned", "nurture.messages"])
        config.autoOffsetReset = "earliest"
        let consumer = try KafkaConsumer(configuration: config, logger: logger)
        var summary = DemoSummary()
        var scored = Set<String>()
        var decided = Set<String>()
        var seen = Set<String>()
        let deadline = ContinuousClock.now + .seconds(120)
        while (scored.count < leads || decided.count < leads || clock.now() < until) && ContinuousClock.now < deadline {
            for message in try await consumer.nextBatch(max: 1000, timeout: .seconds(1)) {
                guard let (envelope, event) = try? EventRecord.decode(message), seen.insert(envelope.id).inserted else {
                    continue
                }
                switch event {
                case let s as LeadScored:
                    scored.insert(s.leadID)
                    summary.bands[s.band.name, default: 0] += 1
                    if summary.sample == nil && s.band == .hot { summary.sample = s }
                case let a as LeadAssigned:
                    decided.insert(a.leadID)
                    summary.current[a.leadID] = a.repName
                case let u as LeadUnassigned:
                    decided.insert(u.leadID)
                    summary.unassigned[u.reason.split(separator: "(").first.map(String.init) ?? u.reason, default: 0] += 1
                case let e as AssignmentEscalated:
                    if e.action == "reassigned" { summary.reassigned += 1 } else { summary.notifications += 1 }
                case let m as NurtureMessage:
                    summary.messages["\(m.campaignID) step \(m.step + 1)", default: 0] += 1
                default:
                    break
                }
            }
            let progress = "scored \(scored.count)/\(leads), assigned or queued \(decided.count)/\(leads), "
                + "simulated time +\(Int(clock.now().timeIntervalSince(until.addingTimeInterval(-32 * 3600)) / 3600))h"
            Swift.print("\r▶ \(progress)", terminator: "")
            fflush(nil)  // a live progress line
        }
        Swift.print("")
        await consumer.close()
        return summary
    }

    func print() {
        Swift.print("\nLead bands")
        for (band, count) in bands.sorted(by: { $0.value > $1.value }) { Swift.print("  \(band.padding(14))\(count)") }
        Swift.print("\nOpen leads per rep")
        let reps = Dictionary(grouping: current.values, by: { $0 }).mapValues(\.count)
        for (rep, count) in reps.sorted(by: { $0.value > $1.value }) { Swift.print("  \(rep.padding(18))\(count)") }
        for (reason, count) in unassigned.sorted(by: { $0.value > $1.value }) {
            Swift.print("  unassigned: \(reason.trimmingCharacters(in: .whitespaces)) \(count)")
        }
        Swift.print("  reassigned after a missed SLA: \(reassigned); manager notifications: \(notifications)")
        Swift.print("\nNurture messages sent (first 32 simulated hours)")
        for (step, count) in messages.sorted(by: { $0.key < $1.key }) { Swift.print("  \(step.padding(28))\(count)") }
        if let sample {
            Swift.print("\nA hot lead: \(sample.leadID) total \(sample.total) (confidence \(sample.confidence))")
            for reason in sample.reasons { Swift.print("  +\(reason.points) \(reason.component)/\(reason.factor) \(reason.detail)") }
        }
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String { count >= width ? self + " " : self + String(repeating: " ", count: width - count) }
}

