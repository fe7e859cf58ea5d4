import BizflowRuntime

extension NurtureTier {
    /// Enrolments that exited their campaign may be forgotten once unchanged for the tier's state TTL; a live one
    /// changes at every step, and a lead that comes back is enrolled afresh.
    public nonisolated func mayExpire(store: String, value: [UInt8]) -> Bool {
        store == Self.enrolments && (try? StateDecoder().decode(Enrolment.self, from: value))?.exited != nil
    }
}
