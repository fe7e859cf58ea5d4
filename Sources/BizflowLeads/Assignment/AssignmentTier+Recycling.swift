import BizflowEvents
import BizflowRuntime
import Foundation

extension AssignmentTier {
    /// A lead the recycling tier sends back for a new rep: moved to another one if it is still open with the rep the
    /// recycling saw (a later reassignment or a close wins); left with its rep when nobody else fits.
    func recycle(_ recycled: LeadRecycled, key: String, state: inout TierState, now: Date) throws -> [Emit] {
        guard var current = state.value(Assignment.self, Self.assignments, key), !current.closed,
            current.repID == recycled.repID
        else { return [] }
        let moved = try moveToAnotherRep(
            &current, key: key, tenant: recycled.tenantID, strategy: "recycled", reason: "\(recycled.rule): \(recycled.reason)",
            state: &state, now: now)
        return moved.map { [$0] } ?? []
    }
}
