import BizflowEvents
import Foundation

extension TierEngine {
    /// The calls of every timer due at the batch's time, partition by partition, earliest first. Each call's state
    /// has its timer removed already: a timer fires once, whether its handler succeeds or not.
    mutating func dueTimers() -> [TierCall] {
        var calls: [TierCall] = []
        for (partition, store) in stores.sorted(by: { $0.key < $1.key }) {
            let due = store.dueTimers(at: now.timeIntervalSince1970)
            guard !due.isEmpty else { continue }
            touched.insert(partition)
            for timer in due {
                var state = TierState(store: store)
                state.setBytes(nil, DurableTimer.store, timer.id)
                let envelope = EventEnvelope(
                    id: EventID.derived(TierCall.salt(timer)), source: eventSource, type: "bizflow.timer", time: now,
                    tenantID: timer.tenantID, correlationID: timer.correlationID.isEmpty ? nil : timer.correlationID)
                calls.append(TierCall(source: .timer(timer, envelope), state: state))
            }
        }
        return calls
    }
}
