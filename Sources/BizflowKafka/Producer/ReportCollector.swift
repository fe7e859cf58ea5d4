import Synchronization

/// Gathers the delivery reports of a `sendAll` batch and wakes its caller when the last one arrived.
final class ReportCollector: Sendable {
    private struct State {
        var reports: [DeliveryReport?]
        var remaining: Int
        var failure: KafkaError?
        var waiter: CheckedContinuation<[DeliveryReport], any Error>?
    }
    private let state: Mutex<State>

    init(count: Int) { state = Mutex(State(reports: Array(repeating: nil, count: count), remaining: count)) }

    func record(_ index: Int, _ result: Result<DeliveryReport, KafkaError>) {
        let done = state.withLock { state -> (CheckedContinuation<[DeliveryReport], any Error>, State)? in
            switch result {
            case .success(let report): state.reports[index] = report
            case .failure(let error): state.failure = state.failure ?? error
            }
            state.remaining -= 1
            guard state.remaining == 0, let waiter = state.waiter else { return nil }
            state.waiter = nil
            return (waiter, state)
        }
        if let (waiter, final) = done { Self.resume(waiter, final) }
    }

    /// Waits until every record has its report; throws the first failure.
    func wait() async throws -> [DeliveryReport] {
        try await withCheckedThrowingContinuation { continuation in
            let ready = state.withLock { state -> State? in
                if state.remaining == 0 { return state }
                state.waiter = continuation
                return nil
            }
            if let ready { Self.resume(continuation, ready) }
        }
    }

    private static func resume(_ waiter: CheckedContinuation<[DeliveryReport], any Error>, _ state: State) {
        if let failure = state.failure { waiter.resume(throwing: failure) } else { waiter.resume(returning: state.reports.map { $0! }) }
    }
}
