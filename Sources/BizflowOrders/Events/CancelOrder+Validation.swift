import BizflowEvents
import BizflowRuntime

extension CancelOrder {
    /// A cancel needs an actor and a reason (its audit trail); without them it is dead-lettered.
    func validate() throws {
        var problems: [String] = []
        if actor.isEmpty { problems.append("actor is required") }
        if reason.isEmpty { problems.append("reason is required") }
        guard problems.isEmpty else { throw TierError.invalid(problems.joined(separator: "; ")) }
    }
}
