extension Topology {
    /// The flow as a Mermaid flowchart: topics as cylinders, tiers as boxes, dead-letter links dotted.
    public func mermaid() -> String {
        func id(_ name: String) -> String { name.map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined() }
        var lines = ["flowchart LR"]
        for topic in topics {
            lines.append("    t_\(id(topic.name))[(\"\(topic.name)\")]")
        }
        for tier in tiers {
            lines.append("    \(id(tier.name))[\"\(tier.name)\"]")
            for input in tier.consumes { lines.append("    t_\(id(input)) --> \(id(tier.name))") }
            for output in tier.produces { lines.append("    \(id(tier.name)) --> t_\(id(output))") }
            for table in tier.reads { lines.append("    t_\(id(table)) -.-> \(id(tier.name))") }
        }
        for topic in topics {
            if let of = topic.dlqOf { lines.append("    t_\(id(of)) -.->|poison| t_\(id(topic.name))") }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
