import BizflowCLI
import Foundation

/// One fault the chaos suite injects while a seeded workload runs.
enum ChaosFault: Hashable, Sendable, CustomStringConvertible {
    /// SIGKILL a process kind (a tier, or "projector") at random moments, restarting it each time.
    case kill(String)
    /// Every broker down for a few seconds, several times, while transactions are in flight.
    case brokerDown
    /// Produce, offset-commit and transaction requests answered with errors (timeouts, not-leader, transport).
    case requestErrors
    /// EndTxn answered only after the transaction timeout: the producer must be re-initialised, nothing torn.
    case endTxnDelay
    /// A tier process stopped (SIGSTOP), its replacement started, the old one resumed: it must write nothing.
    case zombie(String)
    /// PostgreSQL restarted mid-projection.
    case postgresRestart
    /// Read-model tables locked mid-projection: memory stays bounded, no partial batch, the projector resumes.
    case tableLock
    /// About 1 in 1,000 inputs malformed in varied ways.
    case poison
    /// The delivery endpoint failing and slow: retries, dead letters after the budget, other keys flowing.
    case webhooks

    var description: String {
        switch self {
        case .kill(let kind): "SIGKILL \(kind)"
        case .brokerDown: "broker down"
        case .requestErrors: "request errors"
        case .endTxnDelay: "EndTxn past timeout"
        case .zombie(let kind): "zombie \(kind)"
        case .postgresRestart: "PostgreSQL restart"
        case .tableLock: "table locked"
        case .poison: "poison 1/1000"
        case .webhooks: "webhooks failing/slow"
        }
    }

    /// The process kind this fault is aimed at (run alone, so the others are untouched).
    var target: String? {
        switch self {
        case .kill(let kind), .zombie(let kind): kind
        case .postgresRestart, .tableLock: "projector"
        case .webhooks: "delivery"
        default: nil
        }
    }

    /// Every fault of the suite, by the process kinds of this build.
    static func all(kinds: [String]) -> [ChaosFault] {
        kinds.map { .kill($0) } + [
            .brokerDown, .requestErrors, .endTxnDelay, .zombie("scoring"), .zombie("projector"), .postgresRestart,
            .tableLock, .poison, .webhooks,
        ]
    }

    /// The CI-sized selection: one kill of each pipeline's stateful core and of the projector, and every other fault.
    static func ci() -> [ChaosFault] {
        [
            .kill("scoring"), .kill("inventory"), .kill("projector"), .brokerDown, .requestErrors, .endTxnDelay,
            .zombie("scoring"), .zombie("projector"), .postgresRestart, .tableLock, .poison, .webhooks,
        ]
    }

    /// Parses `kill:scoring`, `zombie:projector`, `broker-down`, ….
    init?(name: String) {
        let parts = name.split(separator: ":", maxSplits: 1).map(String.init)
        switch (parts[0], parts.count > 1 ? parts[1] : nil) {
        case ("kill", let kind?): self = .kill(kind)
        case ("zombie", let kind?): self = .zombie(kind)
        case ("broker-down", nil): self = .brokerDown
        case ("request-errors", nil): self = .requestErrors
        case ("endtxn-delay", nil): self = .endTxnDelay
        case ("pg-restart", nil): self = .postgresRestart
        case ("table-lock", nil): self = .tableLock
        case ("poison", nil): self = .poison
        case ("webhooks", nil): self = .webhooks
        default: return nil
        }
    }
}
