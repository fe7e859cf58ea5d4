import BizflowEvents
import BizflowKafka
import BizflowPostgres
@testable import BizflowProjector
import BizflowRuntime
import BizflowTestSupport
import Foundation
import Testing

@Suite("Applied event ids are forgotten after the retention", .serialized,
       .enabled(if: postgresAvailable, "needs PostgreSQL: run ops/test"))
struct AppliedRetentionTests {
    func ids(_ database: TestDatabase) async throws -> [String] {
        let rows = try await database.connection.query("SELECT event_id FROM applied_events ORDER BY event_id")
        return (0..<rows.count).compactMap { rows.value($0, "event_id") }
    }

    @Test("old ids go in chunks, newer ones stay; nothing goes while another projector holds the retention lock")
    func chunksAndLock() async throws {
        let database = try await TestDatabase.create()
        try await database.connection.query(
            "INSERT INTO applied_events (event_id, applied_at) SELECT 'old-' || g, now() - interval '2 hours' FROM generate_series(1, 25) g")
        try await database.connection.query("INSERT INTO applied_events (event_id) VALUES ('new-1'), ('new-2')")
        @Sendable func forget() async throws -> Int? {
            try await database.connection.withSession { try ProjectorStore.forgetApplied($0, olderThan: .seconds(3600), limit: 10) }
        }
        let other = database.newConnection()
        try await other.query("SELECT pg_advisory_lock(7212368492)")
        #expect(try await forget() == nil, "another projector is forgetting: this one leaves it")
        try await other.query("SELECT pg_advisory_unlock(7212368492)")
        var chunks: [Int] = []
        while let gone = try await forget(), gone > 0 { chunks.append(gone) }
        #expect(chunks == [10, 10, 5])
        #expect(try await ids(database) == ["new-1", "new-2"])
    }

    @Test("a running projector forgets old ids by itself and keeps dropping recent duplicates")
    func runningProjector() async throws {
        let broker = try await brokerWithTopology()
        let database = try await TestDatabase.create()
        try await database.connection.query(
            "INSERT INTO applied_events (event_id, applied_at) SELECT 'old-' || g, now() - interval '2 hours' FROM generate_series(1, 30) g")
        var settings = ProjectorSettings(kafka: broker.kafkaConfig, topics: ["leads.captured"])
        settings.consumerProperties = ["session.timeout.ms": "6000", "heartbeat.interval.ms": "300"]
        settings.appliedRetention = .seconds(3600)
        settings.retentionCheck = .milliseconds(100)
        let projector = Projector(settings: settings, database: database.connection, logger: testLogger())
        let running = Task { try await projector.run() }
        let producer = try KafkaProducer(configuration: .init(kafka: broker.kafkaConfig), logger: testLogger())
        let (record, envelope) = try EventRecord.make(
            LeadCaptured.with { $0.leadID = "lead-1"; $0.tenantID = "acme" }, source: "test", topic: "leads.captured")
        _ = try await producer.send(record)
        _ = try await producer.send(record)  // the same event again: a duplicate, within the retention
        let done = await eventually(timeout: .seconds(60)) {
            let stored = try? await database.connection.query(
                "SELECT sum(next_offset) AS s FROM projector_offsets WHERE topic = 'leads.captured'").int(0, "s")
            let remaining = try? await ids(database)
            return stored == 2 && remaining == [envelope.id]
        }
        #expect(done, "the old ids are gone, the new one stays")
        let duplicates = try await database.connection.query("SELECT count(*) AS c FROM leads").int(0, "c")
        #expect(duplicates == 1)
        projector.stop()
        try await running.value
        await producer.close()
    }
}
