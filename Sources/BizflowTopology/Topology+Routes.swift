extension Topology {
    /// Per event type, the topic (under `prefix`) that tier `name` writes it to: of the topics it produces, the one
    /// whose `events` list the type. A type that two of them list is left out: the tier names that topic itself.
    public func outputTopics(ofTier name: String, prefix: String = "") -> [String: String] {
        var routes: [String: String] = [:]
        var ambiguous: Set<String> = []
        for topicName in tier(named: name)?.produces ?? [] {
            for event in topic(named: topicName)?.events ?? [] {
                if routes[event] != nil { ambiguous.insert(event) }
                routes[event] = prefix + topicName
            }
        }
        for event in ambiguous { routes[event] = nil }
        return routes
    }
}
