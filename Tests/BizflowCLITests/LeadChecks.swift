import BizflowEmbeddedBroker
import BizflowEvents
import BizflowKafka
import BizflowRuntime
import BizflowTestSupport
import Foundation

/// Leads the tier-process tests send: varied enough to score and assign differently.
func sampleLeads(_ count: Int, from first: Int = 0) -> [LeadCaptured] {
    (first..<(first + count)).map { i in
        var lead = LeadCaptured()
        lead.leadID = "lead-\(i)"
        lead.tenantID = "acme"
        lead.email = "p\(i)@corp\(i % 7).com"
        lead.jobTitle = ["CTO", "Analyst", "VP Sales"][i % 3]
        lead.industry = ["software", "finance", "retail"][i % 3]
        lead.country = ["US", "DE", "GB", "SE"][i % 4]
        lead.companySize = Int32([20, 300, 3000][i % 3])
        lead.marketingConsent = .granted
        return lead
    }
}

/// Reads `topic` until every lead has an event; returns each lead's distinct event ids.
func distinctEvents(_ broker: EmbeddedBroker, topic: String, leads: Int) async throws -> [String: Set<String>] {
    var config = KafkaConsumer.Configuration(kafka: broker.kafkaConfig, groupID: "check-\(UUID())", topics: [topic])
    config.properties = ["session.timeout.ms": "6000"]
    let consumer = try KafkaConsumer(configuration: config, logger: quietLogger())
    var ids: [String: Set<String>] = [:]
    let deadline = ContinuousClock.now + .seconds(120)
    while ids.count < leads && ContinuousClock.now < deadline {
        for message in try await consumer.nextBatch(max: 1000, timeout: .seconds(1)) {
            guard let (envelope, event) = try? EventRecord.decode(message),
                !(event is AssignmentEscalated)
            else { continue }
            ids[event.eventKey, default: []].insert(envelope.id)
        }
    }
    await consumer.close()
    return ids
}
