import BizflowEvents
import BizflowKafka
import BizflowLeads
import BizflowRuntime
import BizflowTestSupport
import BizflowTopology
import BizflowWorkload
import Foundation
import SwiftProtobuf
import Testing

/// One validator per event: the gateway and the scoring tier apply the same rules to a captured lead, so a lead the
/// gateway accepts is never dead-lettered by scoring as invalid, and a lead it refuses would be.
@Suite("Gateway and scoring agree on what a valid lead is", .enabled(if: postgresAvailable, "needs PostgreSQL: run ops/test"))
struct GatewayScoringAgreementTests {
    @Test("400 random and edge-case leads: every 202 is scored, every 422 sent straight to Kafka is dead-lettered as invalid")
    func agreement() async throws {
        let harness = try await GatewayHarness()
        let key = try await harness.key("acme").key
        var random = SeededRandom(23)
        var accepted: [String] = []
        var refused: [LeadCaptured] = []
        for index in 0..<400 {
            var lead = Self.edgeCase(index, &random)
            lead.leadID = "agree-\(index)"
            var options = JSONEncodingOptions()
            options.preserveProtoFieldNames = true
            let response = try await harness.request("POST", "/v1/leads", key: key, body: try lead.jsonString(options: options))
            switch response.status {
            case 202: accepted.append(lead.leadID)
            case 422:
                lead.tenantID = "acme"
                refused.append(lead)
            default: Issue.record("lead \(index): \(response.status) \(response.text)")
            }
        }
        #expect(accepted.count > 100 && refused.count > 50, "both kinds occur (\(accepted.count) accepted, \(refused.count) refused)")

        let published = try await read(harness.broker, topic: "leads.captured", count: accepted.count)
        var straight = try refused.map { try EventRecord.make($0, source: "test", topic: "leads.captured").0 }.enumerated().map {
            KafkaMessage(
                topic: "leads.captured", partition: 0, offset: Int64(published.count + $0.offset), key: $0.element.key,
                value: $0.element.value, headers: $0.element.headers, timestampMs: 0)
        }
        let fromGateway = published.enumerated().map { index, record in
            var record = record
            (record.partition, record.offset) = (0, Int64(index))  // one partition in memory, in order
            return record
        }
        straight.insert(contentsOf: fromGateway, at: 0)
        var settings = TierSettings(
            name: "scoring", groupID: "agree", inputs: ["leads.captured"], changelog: "scoring.changelog",
            kafka: harness.broker.kafkaConfig, instanceID: "0")
        settings.acceptedTypes["leads.captured"] = [LeadCaptured.eventType]
        settings.outputTopics = try Topology.load(path: testRepositoryRoot.appendingPathComponent("Topology/topology.yaml").path)
            .outputTopics(ofTier: "scoring")
        let tier = try LeadTiers.definitions.make(
            "scoring", TierBuildContext(configDirectory: testRepositoryRoot.appendingPathComponent("Topology").path))
        var runner = try InMemoryTierRunner(settings: settings, tier: tier, partitions: [0])
        let batch = try await runner.process(straight, now: Date())
        let dead = batch.outputs.filter { $0.topic == "leads.captured.dlq" }
        let deadKeys = Set(dead.compactMap { $0.key.map { String(decoding: $0, as: UTF8.self) } })
        #expect(deadKeys.isDisjoint(with: accepted), "a lead the gateway accepted was dead-lettered: \(deadKeys.intersection(accepted))")
        #expect(deadKeys == Set(refused.map(\.leadID)), "every lead the gateway refused is refused by scoring too")
        #expect(dead.allSatisfy { $0.headers.header(named: DeadLetter.Header.errorClass)?.stringValue == "validation_failed" })
        #expect(batch.outputs.filter { $0.topic == "leads.scored" }.count == accepted.count)
        await harness.stop()
    }

    /// A lead with one or more of the things forms get wrong: emails with spaces, double dots, hyphens at label ends,
    /// no domain dot, non-ASCII; no email but a phone, neither; negative counts; budgets in unknown currencies; very
    /// long or Unicode countries; otherwise a varied, valid lead.
    static func edgeCase(_ index: Int, _ random: inout SeededRandom) -> LeadCaptured {
        var lead = VariedLeads.lead(index)
        lead.tenantID = ""
        lead.clearCapturedAt()
        switch random.next() % 12 {
        case 0: lead.email = random.pick(["a@b..c", "a@-b.com", "a@b-.com", "ada@example", "@example.com", "a b@c.de", "a@b.c,d"])
        case 1: (lead.email, lead.phone) = ("", random.pick(["", "+49 30 1234567"]))
        case 2: lead.email = random.pick(["  Ada@Example.COM ", "josé@exämple.de", "a@b.co", "x@" + String(repeating: "d", count: 250) + ".com"])
        case 3: lead.websiteVisits = -Int32(random.next() % 5) - 1
        case 4: lead.companySize = -1
        case 5: lead.budget = Money.with { $0.amountMinor = 100; $0.currency = random.pick(["EURO", "eur", "XXX", "", "USD"]) }
        case 6: lead.budget = Money.with { $0.amountMinor = -5; $0.currency = "EUR" }
        case 7: lead.country = random.pick([String(repeating: "Ü", count: 57), String(repeating: "a", count: 56), "Deutschland", "ÖSTERREICH"])
        default: break
        }
        return lead
    }
}
