import BizflowRuntime

extension ScoringTier {
    /// All of a lead's state may be forgotten once unchanged for the tier's state TTL: engagement for a forgotten
    /// lead is counted but re-scores nothing, as for a lead never captured.
    public nonisolated func mayExpire(store: String, value: [UInt8]) -> Bool {
        store == Self.leads || store == Self.activity || store == Self.overrides
    }
}
