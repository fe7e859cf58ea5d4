import BizflowRuntime

extension RecyclingTier {
    /// A closed lead (converted or unsubscribed) may be forgotten once unchanged for the state TTL.
    public nonisolated func mayExpire(store: String, value: [UInt8]) -> Bool {
        store == Self.leads && (try? StateDecoder().decode(Watch.self, from: value))?.closed == true
    }
}
