import BizflowEmbeddedBroker
import BizflowKafka
import BizflowTopology
import Foundation
import Logging
import Testing

/// The repository root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

func quietLogger() -> Logger {
    var logger = Logger(label: "test")
    logger.logLevel = .error
    return logger
}

@Suite("Topology")
struct TopologyTests {
    let shipped = try! Topology.load(path: repositoryRoot.appendingPathComponent("Topology/topology.yaml").path)

    @Test("the shipped topology has no problems and declares every public input")
    func shippedIsValid() {
        #expect(shipped.problems().isEmpty, "\(shipped.problems())")
        for input in ["leads.captured", "leads.engagement", "leads.commands", "orders.placed", "orders.commands", "inventory.stock"] {
            #expect(shipped.topic(named: input)?.external == true, "\(input)")
            #expect(shipped.topic(named: "\(input).dlq")?.dlqOf == input)
        }
        #expect(shipped.inputTopic(for: "bizflow.leads.v1.LeadCaptured")?.name == "leads.captured")
        #expect(shipped.tier(named: "scoring")?.stateTTLDays == 180)
        #expect(shipped.tiers.filter { $0.changelog != nil && $0.stateTTLDays == nil }.isEmpty, "dedupe windows expire")
    }

    @Test("problems name their line", arguments: [
        ("topics:\n  a: { events: [bizflow.nope.v1.X] }\n", 2, "no message in Protos/"),
        ("topics:\n  a: {}\ntiers:\n  t:\n    consumes: [a, b]\n", 4, "b, which is not declared"),
        ("topics:\n  a: {}\n  a.dlq: { dlq_of: a }\ntiers:\n  t:\n    consumes: [a]\n", 5, "which no tier produces"),
        ("topics:\n  a: { external: true }\ntiers:\n  t:\n    consumes: [a]\n", 4, "no dead-letter topic"),
        ("topics:\n  a: { cleanup: shred }\n", 2, "cleanup must be"),
    ])
    func problems(yaml: String, line: Int, message: String) throws {
        let problems = try Topology.parse(yaml, file: "t.yaml").problems()
        #expect(problems.contains { $0.line == line && $0.message.contains(message) }, "\(problems)")
    }

    @Test("structural mistakes fail parsing with the line", arguments: [
        ("topics:\n  a: { partitions: many }\n", 2, "partitions must be"),
        ("topics:\n  a: { colour: red }\n", 2, "unknown field colour"),
        ("topics:\n  a: [1\n", 3, "not valid YAML"),
        ("tiers: {}\n", 1, "topics: is missing"),
        ("topics:\n  a: {}\ntiers:\n  t:\n    consumes: [a]\n    state_ttl_days: 0\n", 6, "at least 1"),
        ("topics:\n  a: {}\ntiers:\n  t:\n    consumes: [a]\n    state_ttl_days: soon\n", 6, "state_ttl_days must be"),
    ])
    func parseErrors(yaml: String, line: Int, message: String) {
        #expect {
            _ = try Topology.parse(yaml, file: "t.yaml")
        } throws: { error in
            guard let error = error as? TopologyError else { return false }
            return error.line == line && error.message.contains(message)
        }
    }

    @Test("apply creates what is missing and is idempotent")
    func applyIsIdempotent() async throws {
        let broker = try EmbeddedBroker(logger: quietLogger())
        let first = try await shipped.apply(to: broker)
        #expect(first.values.filter { $0 == .created }.count == shipped.topics.count)
        let second = try await shipped.apply(to: broker)
        #expect(second.count == shipped.topics.count)
        #expect(second.values.allSatisfy { $0 == .alreadyExists })
        let listed = try await broker.listTopics()
        #expect(listed.first { $0.name == "leads.captured" }?.partitions == 6)
    }

    @Test("the graph links every tier to its topics")
    func mermaid() {
        let graph = shipped.mermaid()
        #expect(graph.hasPrefix("flowchart LR"))
        #expect(graph.contains("t_leads_captured --> scoring"))
        #expect(graph.contains("scoring --> t_leads_scored"))
        #expect(graph.contains("t_leads_captured -.->|poison| t_leads_captured_dlq"))
    }
}
