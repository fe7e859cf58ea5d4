import BizflowEmbeddedBroker
import BizflowEvents
import BizflowKafka
@testable import BizflowLeads
import BizflowRuntime
import BizflowTestSupport
import BizflowTopology
import Foundation
import Testing

/// The lead pipeline on the embedded broker: every tier in this process, topics under a unique prefix.
struct LeadPipeline {
    static let secret = "pipeline-secret"
    let broker: EmbeddedBroker
    let topics = PipelineTopics(prefix: "\(uniqueTopic("p")).")
    let clock = ManualClock()
    let partitions = 3
    let topology = try! Topology.load(path: topologyDirectory + "/topology.yaml")
    var runners: [(TierRunner, Task<Void, Error>)] = []

    init() throws {
        broker = try EmbeddedBroker(logger: testLogger())
        // Every topic the lead tiers read or write, as the topology declares them.
        let declared = LeadTiers.definitions.names.compactMap { topology.tier(named: $0) }
        for name in Set(declared.flatMap { $0.consumes + $0.produces }) {
            try broker.createTopic(topics.named(name), partitions: partitions)
            try broker.createTopic(topics.named(name) + ".dlq", partitions: partitions)
        }
        for tier in LeadTiers.definitions.names { try broker.createTopic(topics.named("\(tier).changelog"), partitions: partitions) }
    }

    func settings(_ tier: String, inputs: [String]) -> TierSettings {
        var settings = TierSettings(
            name: tier, groupID: topics.named("bizflow-\(tier)"), inputs: inputs.map(topics.named),
            changelog: topics.named("\(tier).changelog"), kafka: broker.kafkaConfig, instanceID: "0")
        settings.clock = clock
        settings.timerTick = .milliseconds(50)
        settings.retry = RetryPolicy(attempts: 4, initialDelay: .milliseconds(10), maxDelay: .milliseconds(50))
        settings.consumerProperties = ["session.timeout.ms": "6000", "heartbeat.interval.ms": "300"]
        for input in inputs { settings.acceptedTypes[topics.named(input)] = Set(topology.topic(named: input)?.events ?? []) }
        settings.outputTopics = topology.outputTopics(ofTier: tier, prefix: topics.prefix)
        return settings
    }

    mutating func start(deliveryURL: String) throws {
        let env = ["BIZFLOW_DELIVERY_URL": deliveryURL, "BIZFLOW_WEBHOOK_SECRET": Self.secret]
        for name in LeadTiers.definitions.names {
            let tier = try LeadTiers.definitions.make(
                name,
                TierBuildContext(
                    configDirectory: topologyDirectory, partitions: partitions, topicPrefix: topics.prefix, environment: env))
            let runner = TierRunner(settings: settings(name, inputs: topology.tier(named: name)?.consumes ?? []), tier: tier, logger: testLogger())
            runners.append((runner, Task { try await runner.run() }))
        }
    }

    func stop() async throws {
        for (runner, _) in runners { runner.stop() }
        for (_, task) in runners { try await task.value }
    }

    /// How long a step of the pipeline may take: seven tiers in one process start, rebalance and run beside the rest
    /// of the suite (a step takes seconds alone; CI once took over 60).
    static let stepTimeout = Duration.seconds(120)

    /// Decoded events of one type on a topic, read until `count` records of any type arrived.
    func events<T: DomainEvent>(_ type: T.Type, on topic: String, count: Int) async throws -> [T] {
        try await read(broker, topic: topic, count: count, timeout: Self.stepTimeout).compactMap {
            try? EventRecord.decode($0).1 as? T
        }
    }
}

/// Deterministic varied leads: industries, titles, countries, sizes, a few disqualified.
func sampleLeads(_ count: Int, seed: UInt64 = 7) -> [LeadCaptured] {
    var state = seed
    func next(_ n: Int) -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((state >> 33) % UInt64(n))
    }
    let industries = ["software", "finance", "healthcare", "manufacturing", "retail", "logistics", "mining"]
    let titles = ["CTO", "VP Sales", "Director of IT", "Engineering Manager", "Analyst", "Intern", "Founder"]
    let countries = ["US", "Germany", "GB", "fr", "NL", "SE", "JP", "CA"]
    let domains = ["corp.com", "firm.io", "mailinator.com", "rivalsoft.com", "biz.net", "shop.de"]
    return (0..<count).map { i in
        lead("lead-\(i)") {
            $0.email = "Person.\(i)@\(domains[next(domains.count)])"
            $0.industry = industries[next(industries.count)]
            $0.jobTitle = titles[next(titles.count)]
            $0.country = countries[next(countries.count)]
            $0.companySize = Int32([3, 25, 120, 600, 4000][next(5)])
            $0.budget.amountMinor = Int64([0, 400_000, 3_000_000, 20_000_000][next(4)])
            $0.timeline = [.immediate, .within3Months, .within12Months, .exploring][next(4)]
            $0.websiteVisits = Int32(next(20))
            $0.emailOpens = Int32(next(8))
            $0.contentDownloads = Int32(next(4))
            $0.source = [.webForm, .referral, .event, .paidAds][next(4)]
            $0.marketingConsent = next(15) == 0 ? .unspecified : .granted
        }
    }
}

@Suite("Lead pipeline end to end on the embedded broker", .serialized)
struct LeadPipelineTests {
    @Test("200 leads reach their known scores, one assignment each, and exactly one delivery per nurture step; poison is dead-lettered")
    func endToEnd() async throws {
        var pipeline = try LeadPipeline()
        let receiver = WebhookReceiver(secret: LeadPipeline.secret, failuresPerKey: 1)  // 500 first, then 200
        try pipeline.start(deliveryURL: try await receiver.start())
        let leads = sampleLeads(200)
        let producer = try KafkaProducer(configuration: .init(kafka: pipeline.broker.kafkaConfig), logger: testLogger())
        // Poison among the good leads: random bytes, a truncated payload, a wrong type header, a malformed email.
        let envelope = EventEnvelope(source: "test", type: LeadCaptured.eventType, tenantID: "acme")
        var wrongType = envelope
        wrongType.type = OrderPlaced.eventType
        let good: [UInt8] = try lead("poison-2").serializedBytes()
        let poison: [(String, [UInt8], EventEnvelope)] = [
            ("poison-1", [0xde, 0xad, 0xbe, 0xef, 0x99], envelope), ("poison-2", Array(good.prefix(good.count - 4)), envelope),
            ("poison-3", try lead("poison-3").serializedBytes(), wrongType),
            ("poison-4", try lead("poison-4") { $0.email = "not an email" }.serializedBytes(), envelope),
        ]
        for (index, lead) in leads.enumerated() {
            _ = try await producer.send(try EventRecord.make(lead, source: "test", topic: pipeline.topics.captured).0)
            if index % 50 == 0, let (key, value, envelope) = poison.dropFirst(index / 50).first {
                _ = try await producer.send(
                    ProducerMessage(
                        topic: pipeline.topics.captured, key: key, value: value,
                        headers: envelope.headers.map { KafkaHeader($0.key, $0.value) }))
            }
        }
        let dead = try await read(pipeline.broker, topic: pipeline.topics.captured + ".dlq", count: 4)
        #expect(Set(dead.compactMap(\.keyString)) == ["poison-1", "poison-2", "poison-3", "poison-4"])
        #expect(dead.allSatisfy { $0.header(DeadLetter.Header.tier) == "scoring" && $0.header(DeadLetter.Header.reason) != nil })
        #expect(dead.first { $0.keyString == "poison-4" }?.header(DeadLetter.Header.reason)?.contains("email") == true)
        #expect(dead.first { $0.keyString == "poison-3" }?.header(DeadLetter.Header.errorClass) == "unexpected_event_type")

        // Scores equal what the scorer computes for each normalised lead.
        let scorer = LeadScorer(config: try shippedScoring())
        let expected = Dictionary(uniqueKeysWithValues: leads.map { ($0.leadID, scorer.score(LeadNormalizer.normalize($0))) })
        let scored = try await pipeline.events(LeadScored.self, on: pipeline.topics.scored, count: 200)
        #expect(scored.count == 200)
        for score in scored {
            #expect(score.total == expected[score.leadID]?.total, "\(score.leadID)")
            #expect(score.band == expected[score.leadID]?.band, "\(score.leadID)")
        }
        let bands = Dictionary(grouping: scored, by: \.band).mapValues(\.count)
        #expect(bands[.disqualified, default: 0] > 0 && bands[.hot, default: 0] > 0 && bands[.warm, default: 0] > 0)

        // Every lead is assigned or queued unassigned exactly once; disqualified ones are never assigned.
        let outcomes = try await read(pipeline.broker, topic: pipeline.topics.assigned, count: 200, timeout: LeadPipeline.stepTimeout)
            .compactMap { try? EventRecord.decode($0).1 }
        let assigned = outcomes.compactMap { $0 as? LeadAssigned }
        let unassigned = outcomes.compactMap { $0 as? LeadUnassigned }
        #expect(Set(assigned.map(\.leadID)).count == assigned.count)
        #expect(assigned.count + unassigned.count == 200)
        let disqualified = Set(scored.filter { $0.band == .disqualified }.map(\.leadID))
        #expect(Set(unassigned.map(\.leadID)) == disqualified)
        #expect(assigned.allSatisfy { !$0.repID.isEmpty && $0.repID != "rep-alan" }, "inactive reps get nothing")

        // Hot and warm leads get their first step at once: one successful, signed delivery each.
        let firstSteps = scored.filter { $0.band == .hot || $0.band == .warm }.count
        #expect(await eventually(timeout: LeadPipeline.stepTimeout) { await receiver.successes.count >= firstSteps })
        // A day later: hot leads' second step (SMS) and cold leads' first step.
        pipeline.clock.advance(by: 24 * 3600 + 60)
        let daySteps = firstSteps + scored.filter { $0.band == .hot || $0.band == .cold }.count
        #expect(await eventually(timeout: LeadPipeline.stepTimeout) { await receiver.successes.count >= daySteps })
        // Every message and its delivery outcome are on the topic; by then the endpoint saw every request.
        let deliveries = try await pipeline.events(
            NurtureDelivery.self, on: pipeline.topics.nurture, count: daySteps * 2)
        #expect(deliveries.count == daySteps)
        #expect(deliveries.allSatisfy { $0.status == .delivered && $0.attempts >= 2 }, "each through one 500 at least")
        let successes = await receiver.successes
        #expect(successes.count == daySteps)
        // A retry after a timeout may reach the endpoint again: the Idempotency-Key makes it one delivery.
        #expect(await receiver.replays.count <= 2, "replays only after a timeout, not as a rule")
        #expect(await receiver.all.allSatisfy(\.signatureValid))

        try await pipeline.stop()
        await producer.close()
        await receiver.stop()
    }
    @Test("three days of the tiers' clock without a reply: each assigned lead is recycled and the assignment tier moves it on")
    func recycling() async throws {
        var pipeline = try LeadPipeline()
        let receiver = WebhookReceiver(secret: LeadPipeline.secret, failuresPerKey: 0)
        try pipeline.start(deliveryURL: try await receiver.start())
        let leads = sampleLeads(30, seed: 11)
        let producer = try KafkaProducer(configuration: .init(kafka: pipeline.broker.kafkaConfig), logger: testLogger())
        for lead in leads { _ = try await producer.send(try EventRecord.make(lead, source: "test", topic: pipeline.topics.captured).0) }
        let outcomes = try await read(pipeline.broker, topic: pipeline.topics.assigned, count: 30, timeout: LeadPipeline.stepTimeout)
            .compactMap { try? EventRecord.decode($0).1 }
        let assigned = Set(outcomes.compactMap { ($0 as? LeadAssigned)?.leadID })
        #expect(!assigned.isEmpty)
        // The recycling tier's timers are state: they fire through the same transactions as everything else.
        pipeline.clock.advance(by: 72 * 3600 + 60)
        let recycled = try await pipeline.events(LeadRecycled.self, on: pipeline.topics.named("leads.recycled"), count: assigned.count)
        #expect(Set(recycled.map(\.leadID)) == assigned, "every assigned lead, none contacted, is recycled")
        #expect(recycled.allSatisfy { $0.rule == "uncontacted" && $0.action == .reassign && $0.scored.leadID == $0.leadID })
        // The same advance missed the 4-hour SLA: escalation moved most leads first, so those recycles name a rep the
        // lead has left and the assignment tier ignores them; the escalated assignment re-arms the timer, and the next
        // three days recycle it from its current rep.
        let watcher = try KafkaConsumer(
            configuration: consumerConfig(pipeline.broker, group: "watch-\(UUID())", topics: [pipeline.topics.assigned]),
            logger: testLogger())
        let clock = pipeline.clock
        let moved = await eventually(timeout: LeadPipeline.stepTimeout) {
            clock.advance(by: 72 * 3600 + 60)
            let batch = (try? await watcher.nextBatch(max: 1_000, timeout: .seconds(1))) ?? []
            return batch.contains { (try? EventRecord.decode($0).1 as? LeadAssigned)?.strategy == "recycled" }
        }
        #expect(moved, "the assignment tier gave recycled leads to other reps")
        await watcher.close()
        try await pipeline.stop()
        await producer.close()
        await receiver.stop()
    }
}
