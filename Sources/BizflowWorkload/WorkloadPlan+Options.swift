extension WorkloadPlan {
    /// What a plan plays beyond the fault runs' plain workload: the demo takes them all.
    public struct Options: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }

        /// Opens, clicks and replies answer the nurture messages actually delivered (`engagements(after:)`, played
        /// by `WorkloadDriver`) rather than being sent with the leads.
        public static let engagementFollowsMessages = Options(rawValue: 1)
        /// Normal orders come from converted leads (the order's customer email is the lead's), half of them with a
        /// conversion through the gateway naming the customer id: revenue can be attributed to where leads came from.
        public static let buyersFromLeads = Options(rawValue: 2)
        /// Whether a lead converts follows a hidden ground truth of its features (`GroundTruth`), with noise, instead of
        /// a flat rate: a model trained on outcomes has something to learn that the rules do not know.
        public static let groundTruth = Options(rawValue: 4)

        public static let demo: Options = [.engagementFollowsMessages, .buyersFromLeads, .groundTruth]
    }
}
