import BizflowRuntime

extension AssignmentTier {
    /// Closed assignments may be forgotten once unchanged for the tier's state TTL; an open one counts in its rep's
    /// workload until it closes, and workloads and the round-robin cursor are kept for good.
    public nonisolated func mayExpire(store: String, value: [UInt8]) -> Bool {
        store == Self.assignments && (try? StateDecoder().decode(Assignment.self, from: value))?.closed == true
    }
}
