import BizflowEvents
import BizflowKafka
import Foundation

/// One call of a tier's actor the engine asks for: an input event or a due timer, with its partition's state.
struct TierCall: Sendable {
    enum Source: Sendable {
        /// A consumed record, its event, the key it is processed under and the key's dedupe window before it.
        case record(KafkaMessage, InboundEvent, key: String, seen: [UInt8])
        /// A due timer and the envelope its emits are caused by.
        case timer(DurableTimer, EventEnvelope)
    }

    let source: Source
    /// The state every attempt starts from: reads see the store, writes are kept only if the attempt succeeds.
    let state: TierState
    /// 1 for the first try, higher on retries after transient failures.
    var attempt = 1

    /// The input event as the tier gets it for this attempt (nil for a timer).
    var input: InboundEvent? {
        guard case .record(_, var input, _, _) = source else { return nil }
        input.attempt = attempt
        return input
    }

    /// What the emitted events are caused by.
    var cause: EventEnvelope {
        switch source {
        case .record(_, let input, _, _): input.envelope
        case .timer(_, let envelope): envelope
        }
    }

    /// What the emitted events' ids derive from: the input's id, or the timer and its due time.
    var salt: String {
        switch source {
        case .record(_, let input, _, _): input.envelope.id
        case .timer(let timer, _): Self.salt(timer)
        }
    }

    static func salt(_ timer: DurableTimer) -> String { "\(timer.id)@\(timer.due)" }
}
