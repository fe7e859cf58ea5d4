import BizflowEvents

extension Topology {
    /// Every problem in the topology, as errors naming their line (empty when the file is consistent).
    public func problems() -> [TopologyError] {
        var problems: [TopologyError] = []
        func report(_ line: Int, _ message: String) {
            problems.append(TopologyError(file: file, line: line, message: message))
        }
        var seen: Set<String> = []
        for topic in topics {
            if !seen.insert(topic.name).inserted { report(topic.line, "topic \(topic.name) is declared twice") }
            if topic.partitions < 1 { report(topic.line, "topic \(topic.name) needs at least 1 partition") }
            if topic.replication < 1 { report(topic.line, "topic \(topic.name) needs a replication factor of at least 1") }
            if !["delete", "compact", "compact,delete", "delete,compact"].contains(topic.cleanup) {
                report(topic.line, "topic \(topic.name): cleanup must be delete, compact or compact,delete")
            }
            for event in topic.events where EventCatalog.type(named: event)?.eventType != event {
                report(topic.line, "topic \(topic.name) carries \(event), which is no message in Protos/ (use the full name, e.g. bizflow.leads.v1.LeadCaptured)")
            }
            if let of = topic.dlqOf, self.topic(named: of) == nil {
                report(topic.line, "topic \(topic.name) is the dead-letter topic of \(of), which is not declared")
            }
        }
        let produced = Set(tiers.flatMap(\.produces))
        var groups: [String: String] = [:]
        for tier in tiers {
            if let other = groups[tier.group] {
                report(tier.line, "tiers \(other) and \(tier.name) share the consumer group \(tier.group)")
            }
            groups[tier.group] = tier.name
            if tier.consumes.isEmpty { report(tier.line, "tier \(tier.name) consumes nothing") }
            for name in tier.consumes {
                guard let topic = topic(named: name) else {
                    report(tier.line, "tier \(tier.name) consumes \(name), which is not declared under topics:")
                    continue
                }
                if !topic.external && topic.dlqOf == nil && !produced.contains(name) {
                    report(tier.line, "tier \(tier.name) consumes \(name), which no tier produces and which is not marked external: true")
                }
                if topics.first(where: { $0.dlqOf == name }) == nil {
                    report(tier.line, "tier \(tier.name) consumes \(name), which has no dead-letter topic: declare \(name).dlq with dlq_of: \(name)")
                }
            }
            let inputs = tier.consumes.compactMap { topic(named: $0) }
            // State is per input partition: a key must land on the same partition number in every input.
            if let first = inputs.first, let other = inputs.first(where: { $0.partitions != first.partitions }) {
                report(tier.line, "tier \(tier.name) consumes \(first.name) (\(first.partitions) partitions) and \(other.name) (\(other.partitions)): inputs of one tier need the same partition count")
            }
            if let name = tier.changelog {
                if let changelog = topic(named: name) {
                    if !changelog.cleanup.contains("compact") {
                        report(tier.line, "tier \(tier.name): its changelog \(name) needs cleanup: compact")
                    }
                    if let first = inputs.first, changelog.partitions != first.partitions {
                        report(tier.line, "tier \(tier.name): its changelog \(name) needs \(first.partitions) partitions, like its inputs")
                    }
                } else {
                    report(tier.line, "tier \(tier.name) keeps its state in \(name), which is not declared under topics:")
                }
            }
            for name in tier.produces where topic(named: name) == nil {
                report(tier.line, "tier \(tier.name) produces \(name), which is not declared under topics:")
            }
            for name in tier.reads where topic(named: name) == nil {
                report(tier.line, "tier \(tier.name) reads \(name), which is not declared under topics:")
            }
        }
        return problems.sorted { $0.line < $1.line }
    }
}
