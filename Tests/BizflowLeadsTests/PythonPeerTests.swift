import BizflowEmbeddedBroker
import BizflowEvents
import BizflowKafka
@testable import BizflowLeads
import BizflowRuntime
import BizflowTestSupport
import BizflowWorkload
import Foundation
import Testing

/// The venv `ops/peer-env` makes (ops/test runs it), if it is there.
let peerPython: String? = {
    let path = repositoryRoot.appendingPathComponent(".bizflow/venv/bin/python").path
    return FileManager.default.isExecutableFile(atPath: path) ? path : nil
}()

/// `bizflow bench` measures the Swift scoring tier against a Python peer; the comparison means something only if
/// the peer does the same work. Both score the same leads here, on the embedded broker, and their outputs are
/// compared field by field.
@Suite("The Python scoring peer (Benchmarks/PythonPeer)", .enabled(if: peerPython != nil, "needs the peer's venv: run ops/peer-env"))
struct PythonPeerTests {
    @Test("scores 600 varied leads and a redelivered one exactly as the Swift tier does, field by field and header by header")
    func sameOutputAsSwift() async throws {
        let broker = try EmbeddedBroker(logger: testLogger())
        let prefix = uniqueTopic("peer") + "."
        let topics = PipelineTopics(prefix: prefix)
        let (peerOutput, peerChangelog) = (prefix + "peer.scored", prefix + "peer.changelog")
        for topic in [topics.captured, topics.captured + ".dlq", topics.scored, prefix + "scoring.changelog", peerOutput, peerChangelog] {
            try broker.createTopic(topic, partitions: 3)
        }
        let producer = try KafkaProducer(configuration: .init(kafka: broker.kafkaConfig), logger: testLogger())
        var records = try (0..<600).map { try EventRecord.make(VariedLeads.lead($0), source: "test", topic: topics.captured).0 }
        records.append(records[5])  // the same event again: both drop it by its id
        try await producer.sendBatch(records)
        try await producer.flush()
        await producer.close()

        var settings = TierSettings(
            name: "scoring", groupID: prefix + "swift", inputs: [topics.captured], changelog: prefix + "scoring.changelog",
            kafka: broker.kafkaConfig, instanceID: "0")
        settings.stateTTL = .seconds(180 * 86_400)  // as the shipped topology: changelog groups carry the change time
        settings.consumerProperties = ["session.timeout.ms": "6000", "heartbeat.interval.ms": "300"]
        settings.outputTopics = [LeadScored.eventType: topics.scored]
        let runner = TierRunner(settings: settings, tier: ScoringTier(config: try shippedScoring()), logger: testLogger())
        let swift = Task { try await runner.run() }
        let peer = try await runCapturing(
            URL(fileURLWithPath: try #require(peerPython)),
            [
                repositoryRoot.appendingPathComponent("Benchmarks/PythonPeer/scoring_peer.py").path, "--bootstrap",
                broker.bootstrapServers, "--input", topics.captured, "--output", peerOutput, "--changelog", peerChangelog,
                "--group", prefix + "python", "--config", topologyDirectory + "/scoring.yaml", "--count", "601",
                "--idle-seconds", "20",
            ],
            environment: ["BIZFLOW_PY_PROTOS": repositoryRoot.appendingPathComponent(".bizflow/pyprotos").path])
        #expect(peer.status == 0, "the peer failed: \(peer.stderr.suffix(2_000))")
        let fromSwift = try await read(broker, topic: topics.scored, count: 600)
        let fromPeer = try await read(broker, topic: peerOutput, count: 600)
        runner.stop()
        try await swift.value

        #expect(fromSwift.count == 600 && fromPeer.count == 600)
        let swiftByLead = try Self.byLead(fromSwift)
        let peerByLead = try Self.byLead(fromPeer)
        #expect(swiftByLead.count == 600 && peerByLead.count == 600, "one scored event per lead, the redelivery dropped")
        var compared = 0
        for (lead, (swiftScored, swiftRecord)) in swiftByLead {
            guard let (peerScored, peerRecord) = peerByLead[lead] else {
                Issue.record("the peer scored no \(lead)")
                continue
            }
            var (a, b) = (swiftScored, peerScored)
            a.clearScoredAt()  // each scored it at its own time
            b.clearScoredAt()
            #expect(a == b, "\(lead): Swift \(a.textFormatString()) Python \(b.textFormatString())")
            #expect(swiftRecord.keyString == peerRecord.keyString)
            for header in ["ce_id", "ce_source", "ce_type", "ce_specversion", "content-type", "ce_tenantid", "ce_correlationid", "ce_causationid"] {
                #expect(swiftRecord.header(header) == peerRecord.header(header), "\(lead): \(header)")
            }
            compared += 1
        }
        #expect(compared == 600)
    }

    static func byLead(_ records: [KafkaMessage]) throws -> [String: (LeadScored, KafkaMessage)] {
        var result: [String: (LeadScored, KafkaMessage)] = [:]
        for record in records {
            let scored = try LeadScored(serializedBytes: record.value)
            result[scored.leadID] = (scored, record)
        }
        return result
    }
}
