import BizflowRuntime

extension FraudTier {
    /// Decided cases may be forgotten once unchanged for the tier's state TTL. A cancel still waiting for its order is
    /// kept, and so are velocity windows: they hold a signal's lifetime order count, which the new-customer rule reads.
    public nonisolated func mayExpire(store: String, value: [UInt8]) -> Bool {
        guard store == Self.cases, let fraudCase = try? StateDecoder().decode(FraudCase.self, from: value) else {
            return false
        }
        switch fraudCase.phase {
        case .approved, .rejected, .cancelled: return true
        case .probing, .inReview, .cancelRequested: return false
        }
    }
}
