import ArgumentParser
import BizflowCLI
import BizflowEmbeddedBroker
import BizflowEvents
import BizflowKafka
import BizflowRuntime
import BizflowTestSupport
import BizflowTopology
import Foundation
import Testing

/// Runs a `bizflow` command line in-process.
func bizflow(_ arguments: [String]) async throws {
    var command = try BizflowCommand.parseAsRoot(arguments)
    guard var asyncCommand = command as? any AsyncParsableCommand else { return try command.run() }
    try await asyncCommand.run()
}


/// The number of records on a topic, from its high watermarks.
func recordCount(_ broker: EmbeddedBroker, topic: String) async throws -> Int64 {
    let admin = try KafkaAdmin(config: broker.kafkaConfig, logger: quietLogger())
    var total: Int64 = 0
    for p in 0..<6 { total += try await admin.watermarks(TopicPartition(topic, Int32(p))).high }
    return total
}

@Suite("produce, tail and the C producer")
struct ProduceTailTests {
    let topologyPath = repositoryRoot.appendingPathComponent("Topology/topology.yaml").path

    @Test("produce sends a valid event with CloudEvents headers to the type's input topic")
    func produceValid() async throws {
        let broker = try await brokerWithTopology()
        try await bizflow([
            "produce", "LeadCaptured", "--bootstrap", broker.bootstrapServers, "--topology", topologyPath,
            "--json", #"{"lead_id":"L-7","tenant_id":"acme","email":"x@example.com"}"#,
        ])
        let message = try #require(try await read(broker, topic: "leads.captured", count: 1).first)
        let (envelope, event) = try EventRecord.decode(message)
        #expect(message.keyString == "L-7")
        #expect(envelope.type == "bizflow.leads.v1.LeadCaptured")
        #expect(envelope.tenantID == "acme")
        #expect(envelope.source == "bizflow/cli")
        #expect((event as? LeadCaptured)?.email == "x@example.com")
    }

    @Test("bad JSON to produce is an error and sends nothing", arguments: [
        #"{"lead_id":"L-1","tenant_id":"acme""#,
        #"{"lead_id":"L-1","tenant_id":"acme","company_size":"huge"}"#,
        #"{"lead_id":"L-1","tenant_id":"acme","shoe_size":44}"#,
        #"{"tenant_id":"acme"}"#,
    ])
    func produceInvalid(json: String) async throws {
        let broker = try await brokerWithTopology()
        await #expect(throws: (any Error).self) {
            try await bizflow([
                "produce", "LeadCaptured", "--bootstrap", broker.bootstrapServers, "--topology", topologyPath,
                "--json", json,
            ])
        }
        #expect(try await recordCount(broker, topic: "leads.captured") == 0)
    }

    @Test("an unknown event type is refused before connecting")
    func produceUnknownType() async throws {
        await #expect(throws: (any Error).self) {
            try await bizflow(["produce", "NoSuchEvent", "--json", "{}", "--topology", topologyPath])
        }
    }

    @Test("tail prints decoded events, and flags records without valid headers")
    func tailLines() async throws {
        let broker = try await brokerWithTopology()
        let producer = try KafkaProducer(configuration: .init(kafka: broker.kafkaConfig), logger: quietLogger())
        var lead = LeadCaptured()
        lead.leadID = "L-9"
        lead.tenantID = "acme"
        _ = try await producer.send(try EventRecord.make(lead, source: "test", topic: "leads.captured").0)
        _ = try await producer.send(ProducerMessage(topic: "leads.captured", key: "junk", value: [0xFF, 0x00]))
        await producer.close()
        let lines = try await read(broker, topic: "leads.captured", count: 2).map(EventPrinter.line(for:))
        let good = try #require(lines.first { $0.contains("\"key\":\"L-9\"") })
        let bad = try #require(lines.first { $0.contains("\"key\":\"junk\"") })
        #expect(good.contains(#""type":"bizflow.leads.v1.LeadCaptured""#))
        #expect(good.contains(#""lead_id":"L-9""#))
        #expect(bad.contains(#""error_class":"invalid_envelope""#))
        for line in lines { #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil) }
    }

    @Test("events from the C producer decode in Swift")
    func cProducer() async throws {
        let broker = try await brokerWithTopology()
        let emit = try #require(Self.executable("bizflow-emit"), "build bizflow-emit first (swift build)")
        let leadID = try await run(emit, ["-b", broker.bootstrapServers, "lead", "lead_id=C-1", "tenant_id=acme",
                                    "email=c@example.com", "company_size=250", "source=LEAD_SOURCE_PARTNER"])
        let orderID = try await run(emit, ["-b", broker.bootstrapServers, "order", "order_id=O-1", "tenant_id=acme",
                                     "currency=EUR", "item=SKU-1:2:1299", "item=SKU-2:1:500"])
        let lead = try #require(try await read(broker, topic: "leads.captured", count: 1).first)
        let (leadEnvelope, leadEvent) = try EventRecord.decode(lead)
        #expect(leadEnvelope.id == leadID)
        #expect(leadEnvelope.source == "bizflow-emit")
        let captured = try #require(leadEvent as? LeadCaptured)
        #expect(captured.leadID == "C-1")
        #expect(captured.companySize == 250)
        #expect(captured.source == .partner)
        #expect(captured.hasCapturedAt)
        let order = try #require(try await read(broker, topic: "orders.placed", count: 1).first)
        let (orderEnvelope, orderEvent) = try EventRecord.decode(order)
        #expect(orderEnvelope.id == orderID)
        let placed = try #require(orderEvent as? OrderPlaced)
        #expect(placed.items.map(\.sku) == ["SKU-1", "SKU-2"])
        #expect(placed.total == 2 * 1299 + 500)
        #expect(order.keyString == "O-1")
    }

    @Test("the C producer refuses bad arguments and sends nothing")
    func cProducerRejects() async throws {
        let broker = try await brokerWithTopology()
        let emit = try #require(Self.executable("bizflow-emit"))
        for arguments in [["lead", "tenant_id=acme"], ["lead", "lead_id=1", "tenant_id=a", "company_size=lots"],
                          ["order", "order_id=1", "tenant_id=a", "item=SKU:-1:5"], ["lead", "lead_id=1", "tenant_id=a", "nope=1"]] {
            await #expect(throws: (any Error).self) { try await run(emit, ["-b", broker.bootstrapServers] + arguments) }
        }
        #expect(try await recordCount(broker, topic: "leads.captured") == 0)
        #expect(try await recordCount(broker, topic: "orders.placed") == 0)
    }

    /// A product built beside the test bundle.
    static func executable(_ name: String) -> URL? {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        return nil
    }

    struct CommandFailed: Error { var status: Int32; var stderr: String }

    /// Runs a program and returns its standard output, trimmed; throws on a non-zero exit.
    func run(_ executable: URL, _ arguments: [String]) async throws -> String {
        let result = try await runCapturing(executable, arguments)
        guard result.status == 0 else { throw CommandFailed(status: result.status, stderr: result.stderr) }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

@Suite("dlq list and replay")
struct DLQCommandTests {
    @Test("replay re-injects dead letters into the original topic for the failing tier, without the DLQ headers")
    func replay() async throws {
        let broker = try await brokerWithTopology()
        let producer = try KafkaProducer(configuration: .init(kafka: broker.kafkaConfig), logger: quietLogger())
        var lead = LeadCaptured()
        lead.leadID = "L-9"
        lead.tenantID = "acme"
        let (record, envelope) = try EventRecord.make(lead, source: "test", topic: "leads.captured")
        let original = KafkaMessage(
            topic: "leads.captured", partition: 2, offset: 17, key: record.key, value: record.value, headers: record.headers,
            timestampMs: 0)
        for tier in ["scoring", "assignment"] {
            _ = try await producer.send(
                DeadLetter.record(for: original, tier: tier, errorClass: "retries_exhausted", reason: "endpoint down", attempts: 5, time: .now))
        }
        try await bizflow(["dlq", "list", "leads.captured", "--bootstrap", broker.bootstrapServers])
        try await bizflow(["dlq", "replay", "leads.captured", "--tier", "scoring", "--bootstrap", broker.bootstrapServers])
        let replayed = try #require(try await read(broker, topic: "leads.captured", count: 1).first)
        #expect(replayed.header(DeadLetter.Header.replayFor) == "scoring")
        #expect(replayed.header(DeadLetter.Header.errorClass) == nil)
        #expect(replayed.value == record.value && replayed.keyString == "L-9")
        #expect(try EventRecord.envelope(of: replayed).id == envelope.id, "the same event, so tiers that saw it skip it")
        #expect(try await recordCount(broker, topic: "leads.captured") == 1, "only the scoring tier's dead letter")
        await producer.close()
    }

    @Test("a topic without a dead-letter topic is a clear error")
    func unknownTopic() async throws {
        let broker = try await brokerWithTopology()
        await #expect(throws: (any Error).self) {
            try await bizflow(["dlq", "replay", "no.such.topic", "--bootstrap", broker.bootstrapServers])
        }
    }
}
