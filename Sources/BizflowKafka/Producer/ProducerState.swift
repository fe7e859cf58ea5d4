/// The lifecycle of a producer, as a plain value: each event yields what the producer must do next.
public enum ProducerState: Equatable, Sendable {
    /// Transactional, `initTransactions` not done yet.
    case created
    case ready
    case inTransaction
    /// An abortable error happened in the transaction: only `abort` is allowed.
    case abortRequired
    /// An ambiguous or fatal error: the librdkafka instance is being replaced.
    case reinitialising
    case closed

    public enum Event: Sendable {
        case initialise, initialised, begin, commit, committed, abort, aborted
        case abortableError, ambiguousError, reinitialised, close
    }

    public enum Action: Equatable, Sendable {
        case proceed
        case reject(String)
        case reinitialise
    }

    public mutating func on(_ event: Event) -> Action {
        switch (self, event) {
        case (.closed, _):
            return .reject("the producer is closed")
        case (_, .close):
            self = .closed
            return .proceed
        case (_, .ambiguousError):
            self = .reinitialising
            return .reinitialise
        case (.reinitialising, .reinitialised), (.created, .initialised):
            self = .ready
            return .proceed
        case (.created, .initialise):
            return .proceed
        case (.ready, .begin):
            self = .inTransaction
            return .proceed
        case (.inTransaction, .commit), (.inTransaction, .abort), (.abortRequired, .abort):
            return .proceed
        case (.inTransaction, .committed), (.inTransaction, .aborted), (.abortRequired, .aborted):
            self = .ready
            return .proceed
        case (.inTransaction, .abortableError):
            self = .abortRequired
            return .proceed
        case (.abortRequired, _):
            return .reject("the transaction failed: abort it before anything else")
        case (.created, _):
            return .reject("call initTransactions() first")
        case (.reinitialising, _):
            return .reject("the producer is being re-initialised after an ambiguous error; retry the batch")
        case (.ready, .commit), (.ready, .abort):
            return .reject("no transaction is open: call beginTransaction() first")
        case (.inTransaction, .begin):
            return .reject("a transaction is already open: commit or abort it first")
        default:
            return .reject("\(event) is not valid while \(self)")
        }
    }
}
