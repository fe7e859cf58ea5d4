/// How a tier's handler failed, which decides what the runtime does with the event.
public enum TierError: Error, Sendable, CustomStringConvertible {
    /// The event can never succeed (validation, business rule): dead-lettered at once.
    case invalid(String)
    /// Worth retrying (a remote 5xx, a timeout): retried with backoff, dead-lettered when attempts run out.
    case transient(String)

    public var errorClass: String {
        switch self {
        case .invalid: return "validation_failed"
        case .transient: return "retries_exhausted"
        }
    }

    public var description: String {
        switch self {
        case .invalid(let reason): return reason
        case .transient(let reason): return reason
        }
    }
}
