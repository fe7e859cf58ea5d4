import Foundation
import Yams

/// A problem in a topology file, with the line it is on.
public struct TopologyError: Error, CustomStringConvertible, Sendable, Equatable {
    public var file: String
    public var line: Int
    public var message: String
    public var description: String { "\(file):\(line): \(message)" }

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }
}

extension Topology {
    /// Reads and parses a topology file.
    public static func load(path: String) throws -> Topology {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw TopologyError(
                file: path, line: 0,
                message: "cannot read the topology file: pass --topology FILE or set BIZFLOW_TOPOLOGY")
        }
        return try parse(text, file: path)
    }

    /// Parses topology YAML; structural mistakes are errors naming the line.
    public static func parse(_ text: String, file: String = "topology.yaml") throws -> Topology {
        func fail(_ node: Node?, _ message: String) -> TopologyError {
            TopologyError(file: file, line: (node?.mark?.line ?? 0), message: message)
        }
        let root: Node
        do {
            guard let parsed = try Yams.compose(yaml: text) else { throw fail(nil, "the file is empty") }
            root = parsed
        } catch let error as YamlError {
            throw TopologyError(file: file, line: Self.line(of: error), message: "not valid YAML: \(error)")
        }
        guard let top = root.mapping else { throw fail(root, "expected a mapping with topics: and tiers:") }
        try checkKeys(top, allowed: ["defaults", "topics", "tiers"], what: "the top level", fail: fail)

        var defaults = (partitions: 6, replication: 1, retention: Int64?.none)
        if let node = top["defaults"] {
            guard let map = node.mapping else { throw fail(node, "defaults: must be a mapping") }
            try checkKeys(map, allowed: ["partitions", "replication", "retention_ms"], what: "defaults", fail: fail)
            defaults.partitions = try int(map["partitions"], "partitions", fail) ?? defaults.partitions
            defaults.replication = try int(map["replication"], "replication", fail) ?? defaults.replication
            defaults.retention = try int(map["retention_ms"], "retention_ms", fail).map(Int64.init)
        }

        var topics: [Topic] = []
        guard let topicsNode = top["topics"], let topicMap = topicsNode.mapping else {
            throw fail(root, "topics: is missing or not a mapping")
        }
        let topicKeys = ["partitions", "replication", "retention_ms", "cleanup", "external", "events", "dlq_of"]
        for (key, value) in topicMap {
            guard let name = key.string, !name.isEmpty else { throw fail(key, "a topic name must be a string") }
            let map = value.mapping ?? [:]
            if value.mapping == nil && value.null == nil { throw fail(value, "topic \(name): expected a mapping") }
            try checkKeys(map, allowed: topicKeys, what: "topic \(name)", fail: fail)
            topics.append(
                Topic(
                    name: name,
                    partitions: try int(map["partitions"], "partitions", fail) ?? defaults.partitions,
                    replication: try int(map["replication"], "replication", fail) ?? defaults.replication,
                    retentionMs: try int(map["retention_ms"], "retention_ms", fail).map(Int64.init) ?? defaults.retention,
                    cleanup: try string(map["cleanup"], "cleanup", fail) ?? "delete",
                    external: try bool(map["external"], "external", fail) ?? false,
                    events: try strings(map["events"], "events", fail),
                    dlqOf: try string(map["dlq_of"], "dlq_of", fail),
                    line: key.mark?.line ?? 0))
        }

        var tiers: [Tier] = []
        if let tiersNode = top["tiers"] {
            guard let tierMap = tiersNode.mapping else { throw fail(tiersNode, "tiers: must be a mapping") }
            for (key, value) in tierMap {
                guard let name = key.string, let map = value.mapping else {
                    throw fail(key, "a tier must be a name with a mapping (group, consumes, produces)")
                }
                try checkKeys(
                    map, allowed: ["group", "consumes", "produces", "reads", "changelog", "state_ttl_days"], what: "tier \(name)",
                    fail: fail)
                let ttl = try int(map["state_ttl_days"], "state_ttl_days", fail)
                if ttl == 0 { throw fail(map["state_ttl_days"], "state_ttl_days must be at least 1 (leave it out to keep state)") }
                tiers.append(
                    Tier(
                        name: name, group: try string(map["group"], "group", fail) ?? "bizflow-\(name)",
                        consumes: try strings(map["consumes"], "consumes", fail),
                        produces: try strings(map["produces"], "produces", fail),
                        reads: try strings(map["reads"], "reads", fail),
                        changelog: try string(map["changelog"], "changelog", fail), stateTTLDays: ttl,
                        line: key.mark?.line ?? 0))
            }
        }
        return Topology(topics: topics, tiers: tiers, file: file)
    }

    private static func checkKeys(
        _ map: Node.Mapping, allowed: [String], what: String, fail: (Node?, String) -> TopologyError
    ) throws {
        for key in map.keys where !allowed.contains(key.string ?? "") {
            throw fail(key, "unknown field \(key.string ?? "?") in \(what) (allowed: \(allowed.joined(separator: ", ")))")
        }
    }

    private static func int(_ node: Node?, _ field: String, _ fail: (Node?, String) -> TopologyError) throws -> Int? {
        guard let node else { return nil }
        guard let value = node.int, value >= 0 else { throw fail(node, "\(field) must be a non-negative integer") }
        return value
    }

    private static func bool(_ node: Node?, _ field: String, _ fail: (Node?, String) -> TopologyError) throws -> Bool? {
        guard let node else { return nil }
        guard let value = node.bool else { throw fail(node, "\(field) must be true or false") }
        return value
    }

    private static func string(_ node: Node?, _ field: String, _ fail: (Node?, String) -> TopologyError) throws
        -> String?
    {
        guard let node else { return nil }
        guard node.scalar != nil, let value = node.string else { throw fail(node, "\(field) must be a string") }
        return value
    }

    private static func strings(_ node: Node?, _ field: String, _ fail: (Node?, String) -> TopologyError) throws
        -> [String]
    {
        guard let node else { return [] }
        guard let sequence = node.sequence else { throw fail(node, "\(field) must be a list, e.g. [a, b]") }
        return try sequence.map { item in
            guard item.scalar != nil, let value = item.string else { throw fail(item, "\(field) entries must be strings") }
            return value
        }
    }

    private static func line(of error: YamlError) -> Int {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark.line
        default:
            return 0
        }
    }
}
