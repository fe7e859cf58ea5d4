import BizflowKafka

extension Topology {
    /// Creates the topics that do not exist yet; running it again changes nothing.
    public func apply(to creator: some TopicCreator) async throws -> [String: TopicCreation] {
        let existing = Set(try await creator.listTopics().map(\.name))
        let missing = topicSpecs.filter { !existing.contains($0.name) }
        var outcome = try await creator.createTopics(missing)
        for spec in topicSpecs where existing.contains(spec.name) { outcome[spec.name] = .alreadyExists }
        return outcome
    }
}
