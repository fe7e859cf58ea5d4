import BizflowEvents
import BizflowRuntime
import Foundation

/// A tier for runtime tests: counts events per lead and emits the count as a score. Emails steer failures:
/// "invalid" is rejected, "flaky-N" fails transiently N times, "down" always fails transiently; job title
/// "timer" schedules a follow-up a minute later. Counts may expire (`TierSettings.stateTTL`).
actor CountingTier: Tier {
    let output: String
    private var failures: [String: Int] = [:]

    init(output: String) { self.output = output }

    func handle(_ input: InboundEvent, state: inout TierState, now: Date) async throws -> [Emit] {
        guard let lead = input.event as? LeadCaptured else { throw TierError.invalid("expected a LeadCaptured") }
        if lead.email == "invalid" { throw TierError.invalid("email is not an address") }
        if lead.email == "down" { throw TierError.transient("delivery endpoint down") }
        if lead.email.hasPrefix("flaky-"), let times = Int(lead.email.dropFirst(6)) {
            let seen = failures[input.envelope.id, default: 0]
            if seen < times {
                failures[input.envelope.id] = seen + 1
                throw TierError.transient("flaky")
            }
        }
        let count = (state.value(Int.self, "counts", input.key) ?? 0) + 1
        state.set(count, "counts", input.key)
        if lead.jobTitle == "timer" {
            state.schedule(
                DurableTimer(
                    name: "follow-up", key: input.key, due: now.addingTimeInterval(60), tenantID: lead.tenantID))
        }
        return [Emit(score(lead.leadID, lead.tenantID, count), to: output)]
    }

    /// Counts are settled work: they may expire.
    nonisolated func mayExpire(store: String, value: [UInt8]) -> Bool { store == "counts" }

    func fire(_ timer: DurableTimer, state: inout TierState, now: Date) async throws -> [Emit] {
        [Emit(score(timer.key, timer.tenantID, -1), to: output)]
    }

    private func score(_ lead: String, _ tenant: String, _ total: Int) -> LeadScored {
        var scored = LeadScored()
        scored.leadID = lead
        scored.tenantID = tenant
        scored.total = Int32(total)
        return scored
    }
}
