import Synchronization

/// Counts records handed to librdkafka whose delivery report has not been served yet, so `flush` can
/// wait for the reports themselves, not just for librdkafka's queue to empty.
final class DeliveryTracker: Sendable {
    private struct State {
        var inFlight = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
        var failure: KafkaError?
    }
    private let state = Mutex(State())

    func enqueued(_ count: Int = 1) { state.withLock { $0.inFlight += count } }

    /// Called by the poll thread for each served report; `failure` is kept for fire-and-forget records.
    func delivered(failure: KafkaError?) {
        let waiters: [CheckedContinuation<Void, Never>] = state.withLock { state in
            state.inFlight -= 1
            if let failure, state.failure == nil { state.failure = failure }
            guard state.inFlight == 0 else { return [] }
            defer { state.waiters = [] }
            return state.waiters
        }
        waiters.forEach { $0.resume() }
    }

    /// The undelivered count, for metrics and tests.
    var inFlight: Int { state.withLock { $0.inFlight } }

    /// Waits until every enqueued record has a served report, then returns (and clears) the first failure.
    func drained() async -> KafkaError? {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state in
                if state.inFlight == 0 { return true }
                state.waiters.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
        return state.withLock { state in
            defer { state.failure = nil }
            return state.failure
        }
    }
}
