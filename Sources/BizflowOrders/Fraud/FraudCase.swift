/// What the fraud tier keeps of one order (state store `cases`, keyed by tenant and order id).
struct FraudCase: Codable, Equatable, Sendable {
    enum Phase: String, Codable, Sendable {
        /// Velocity probes are out; waiting for their counts.
        case probing
        /// Waiting for a human decision.
        case inReview
        /// Decided and handed on (approved) or ended (rejected, cancelled): later commands are for other tiers.
        case approved, rejected, cancelled
        /// A cancel arrived before the order: the order is cancelled as soon as it is placed.
        case cancelRequested
    }

    var phase: Phase
    /// The order (protobuf), kept while it is undecided.
    var order: [UInt8] = []
    /// How many signal counts the decision waits for, and those that arrived (by dimension).
    var expected = 0
    var counts: [String: FraudRules.SignalCount] = [:]
    /// Who asked for a cancel that came before the order, and why.
    var cancelActor = ""
    var cancelReason = ""
}
