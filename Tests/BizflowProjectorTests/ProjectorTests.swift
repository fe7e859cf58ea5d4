import BizflowEvents
import BizflowKafka
import BizflowPostgres
@testable import BizflowProjector
import BizflowRuntime
import BizflowTestSupport
import Foundation
import Testing

@Suite("Projector exactly-once on the embedded broker and a real PostgreSQL", .serialized,
       .enabled(if: postgresAvailable, "needs PostgreSQL: run ops/test"))
struct ProjectorTests {
    func applied(_ database: TestDatabase) async -> Int64 {
        (try? await database.connection.query("SELECT count(*) AS c FROM applied_events").int(0, "c")) ?? -1
    }

    @Test("killed between the PostgreSQL and the Kafka commit, and mid-batch, again and again: the read models equal the fold of the topics; a rebuild equals them too")
    func killedRepeatedly() async throws {
        let broker = try await brokerWithTopology()
        let database = try await TestDatabase.create()
        let workload = ProjectorWorkload()
        let producer = try KafkaProducer(configuration: .init(kafka: broker.kafkaConfig), logger: testLogger())
        try await producer.sendBatch(workload.records)
        try await producer.flush()
        let arguments = ["run", "projector", "--bootstrap", broker.bootstrapServers, "--database-url", database.url, "--batch", "40"]
        // A killed member's partitions move on after its session times out: keep that short here.
        let quick = ["KAFKA_CONFIG_SESSION_TIMEOUT_MS": "6000", "KAFKA_CONFIG_HEARTBEAT_INTERVAL_MS": "500"]
        // Right after a PostgreSQL commit, before the Kafka commit: the classic window for a duplicate.
        var random = SeedRandom(5)
        for round in 0..<4 {
            let before = await applied(database)
            let run = try BizflowProcess(
                arguments + ["--kill-after-commits", String(1 + random.next() % 3)], environment: quick, binary: bizflowLabBinary)
            let ended = await run.wait()
            #expect(ended.killed, "round \(round): the fault should have killed the process")
            #expect(await applied(database) > before, "round \(round): progress before the kill")
        }
        // Anywhere: a SIGKILL once the process has made some progress.
        for _ in 0..<2 {
            let before = await applied(database)
            let run = try BizflowProcess(arguments, environment: quick)
            _ = await eventually(timeout: .seconds(30)) { await applied(database) > before }
            try await Task.sleep(for: .milliseconds(Int(random.next() % 300)))
            await run.kill()
        }
        let last = try BizflowProcess(arguments, environment: quick)
        let caughtUp = await eventually(timeout: .seconds(90)) { await applied(database) >= Int64(workload.distinctEvents) }
        #expect(caughtUp)
        // The earlier processes may have finished the work: make sure this one is running (past its start-up, where
        // SIGTERM is handled) by waiting for it to pass a marker record of a type it skips.
        let marker = EventEnvelope(source: "test", type: "bizflow.test.v1.Marker", tenantID: "acme")
        let placed = try await producer.send(
            ProducerMessage(topic: "leads.captured", key: Array("marker".utf8), value: [], headers: marker.headers.map { KafkaHeader($0.key, $0.value) }))
        #expect(await eventually(timeout: .seconds(60)) {
            let stored = try? await database.connection.query(
                "SELECT next_offset FROM projector_offsets WHERE topic = 'leads.captured' AND kafka_partition = $1",
                [.int(Int64(placed.partition))]).int(0, "next_offset")
            return (stored ?? 0) > placed.offset
        })
        #expect(await last.terminate() == 0, "SIGTERM is a clean shutdown")
        let differences = try await workload.differences(database)
        #expect(differences.isEmpty, "\(differences.prefix(5))")

        // A rebuild from the topics ends where the incremental projection is.
        var incremental: [String: [String]] = [:]
        for table in ProjectionAdmin.readModels { incremental[table] = try await database.dump(table) }
        let rebuild = try BizflowProcess([
            "projections", "rebuild", "--bootstrap", broker.bootstrapServers, "--database-url", database.url,
        ])
        #expect(await rebuild.wait().status == 0)
        for table in ProjectionAdmin.readModels {
            let rebuilt = try await database.dump(table)
            let before = incremental[table] ?? []
            #expect(rebuilt == before, "\(table) after rebuild: \(Set(rebuilt).symmetricDifference(before).sorted().prefix(4))")
        }
        #expect(try await workload.differences(database).isEmpty)
        await producer.close()
        await database.connection.close()
    }

    @Test("PostgreSQL restarted mid-run: no partial batch is ever visible, the stored offset never runs ahead, projection resumes")
    func postgresRestart() async throws {
        let broker = try await brokerWithTopology()
        let server = try await PrivatePostgres.start()  // restarting the shared server would cut the other tests off
        let database = try await TestDatabase.create(base: server.url)
        var settings = ProjectorSettings(kafka: broker.kafkaConfig, topics: ["leads.captured"])
        settings.maxBatch = 100
        settings.maxRetryDelay = .milliseconds(500)
        settings.consumerProperties = ["session.timeout.ms": "6000", "heartbeat.interval.ms": "300"]
        var projectorConfig = PostgresConnection.Configuration(url: database.url)
        projectorConfig.connectAttempts = 3
        projectorConfig.maxBackoff = .milliseconds(300)
        let projector = Projector(
            settings: settings, database: PostgresConnection(configuration: projectorConfig, logger: testLogger()),
            logger: testLogger())
        let running = Task { try await projector.run() }
        // Each record is one new lead: at any instant, rows == the stored offsets' sum, or a batch was torn.
        let checker = database.newConnection()
        let torn = Recorder<String>()
        let watching = Task {
            while !Task.isCancelled {
                if let snapshot = try? await checker.transaction({ tx in
                    try tx.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                    return try tx.query(
                        """
                        SELECT (SELECT count(*) FROM leads) AS rows,
                               (SELECT coalesce(sum(next_offset), 0) FROM projector_offsets WHERE topic = 'leads.captured') AS stored
                        """)
                }), snapshot.int(0, "rows") != snapshot.int(0, "stored") {
                    torn.append("\(snapshot.rows)")
                }
                try? await Task.sleep(for: .milliseconds(5))
            }
        }
        let producer = try KafkaProducer(configuration: .init(kafka: broker.kafkaConfig), logger: testLogger())
        let total = 3_000
        for chunk in 0..<30 {
            let leads = (0..<100).map { i in
                LeadCaptured.with { $0.leadID = "lead-\(chunk * 100 + i)"; $0.tenantID = "acme"; $0.email = "x@example.com" }
            }
            try await producer.sendBatch(leads.map { try EventRecord.make($0, source: "test", topic: "leads.captured").0 })
            try await producer.flush()
            if chunk == 10 || chunk == 20 { await server.restart() }
            try await Task.sleep(for: .milliseconds(50))
        }
        let caughtUp = await eventually(timeout: .seconds(90)) {
            (try? await checker.query("SELECT count(*) AS c FROM leads").int(0, "c")) == Int64(total)
        }
        #expect(caughtUp, "the projection resumed after the restarts")
        watching.cancel()
        _ = await watching.value
        #expect(torn.all.isEmpty, "torn snapshots: \(torn.all.prefix(3))")
        let stored = try await checker.query(
            "SELECT coalesce(sum(next_offset), 0) AS s FROM projector_offsets WHERE topic = 'leads.captured'").int(0, "s")
        #expect(stored == Int64(total))
        projector.stop()
        try await running.value
        await producer.close()
        await checker.close()
        await database.connection.close()
        await server.stop()
    }

    @Test("unknown event types are counted and skipped; undecodable records go to the dead-letter topic and into dlq_entries")
    func unknownAndUndecodable() async throws {
        let broker = try await brokerWithTopology()
        let database = try await TestDatabase.create()
        var settings = ProjectorSettings(kafka: broker.kafkaConfig, topics: ["leads.captured"])
        settings.consumerProperties = ["session.timeout.ms": "6000", "heartbeat.interval.ms": "300"]
        let projector = Projector(settings: settings, database: database.connection, logger: testLogger())
        let running = Task { try await projector.run() }
        let producer = try KafkaProducer(configuration: .init(kafka: broker.kafkaConfig), logger: testLogger())
        var unknown = EventEnvelope(source: "test", type: "bizflow.future.v9.Teleported", tenantID: "acme")
        unknown.id = "11111111-1111-1111-1111-111111111111"
        let garbage = EventEnvelope(source: "test", type: LeadCaptured.eventType, tenantID: "acme")
        _ = try await producer.send(ProducerMessage(topic: "leads.captured", key: Array("u".utf8), value: [1, 2], headers: unknown.headers.map { KafkaHeader($0.key, $0.value) }))
        _ = try await producer.send(ProducerMessage(topic: "leads.captured", key: Array("g".utf8), value: [0xff, 0xff, 0xff], headers: garbage.headers.map { KafkaHeader($0.key, $0.value) }))
        _ = try await producer.send(try EventRecord.make(LeadCaptured.with { $0.leadID = "ok"; $0.tenantID = "acme" }, source: "test", topic: "leads.captured").0)
        let projected = await eventually(timeout: .seconds(60)) {
            let leads = try? await database.connection.query("SELECT count(*) AS c FROM leads").int(0, "c")
            let dead = try? await database.connection.query("SELECT count(*) AS c FROM dlq_entries").int(0, "c")
            return leads == 1 && dead == 1
        }
        #expect(projected)
        let entry = try await database.connection.query("SELECT topic, error_class, tier, record_key, tenant_id FROM dlq_entries")
        #expect(entry.value(0, "topic") == "leads.captured" && entry.value(0, "error_class") == "undecodable")
        #expect(entry.value(0, "tier") == "projector" && entry.value(0, "record_key") == "g" && entry.value(0, "tenant_id") == "acme")
        let offsets = try await database.connection.query(
            "SELECT sum(next_offset) AS s FROM projector_offsets WHERE topic = 'leads.captured'").int(0, "s")
        #expect(offsets == 3, "all three records are behind the projector")
        projector.stop()
        try await running.value
        await producer.close()
    }

    @Test("status shows the lag per partition; a paused group stops projecting until resumed")
    func statusPauseResume() async throws {
        let broker = try await brokerWithTopology()
        let database = try await TestDatabase.create()
        var settings = ProjectorSettings(kafka: broker.kafkaConfig, topics: ["leads.captured"])
        settings.consumerProperties = ["session.timeout.ms": "6000", "heartbeat.interval.ms": "300"]
        let producer = try KafkaProducer(configuration: .init(kafka: broker.kafkaConfig), logger: testLogger())
        func send(_ range: Range<Int>) async throws {
            try await producer.sendBatch(range.map { i in
                try EventRecord.make(LeadCaptured.with { $0.leadID = "lead-\(i)"; $0.tenantID = "acme" }, source: "test", topic: "leads.captured").0
            })
            try await producer.flush()
        }
        @Sendable func lag() async throws -> Int64 {
            try await ProjectionAdmin.status(
                database: database.connection, kafka: broker.kafkaConfig, group: "projector", topics: ["leads.captured"],
                logger: testLogger()
            ).reduce(0) { $0 + $1.lag }
        }
        try await send(0..<50)
        #expect(try await lag() == 50, "nothing projected yet")
        let projector = Projector(settings: settings, database: database.connection, logger: testLogger())
        let running = Task { try await projector.run() }
        #expect(await eventually(timeout: .seconds(60)) { (try? await lag()) == 0 })
        try await ProjectorStore.setPaused(database.connection, group: "projector", true)
        // The loop looks at the switch every half second; give it two looks before sending more.
        try await Task.sleep(for: .seconds(1))
        try await send(50..<80)
        try await Task.sleep(for: .seconds(2))
        #expect(try await lag() == 30, "paused: nothing more projected")
        try await ProjectorStore.setPaused(database.connection, group: "projector", false)
        #expect(await eventually(timeout: .seconds(30)) { (try? await lag()) == 0 })
        #expect(try await database.connection.query("SELECT count(*) AS c FROM leads").int(0, "c") == 80)
        projector.stop()
        try await running.value
        await producer.close()
    }
}
