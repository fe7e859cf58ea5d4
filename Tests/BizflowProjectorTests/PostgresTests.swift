import BizflowEvents
import BizflowPostgres
@testable import BizflowProjector
import BizflowTestSupport
import Dispatch
import Foundation
import Testing

@Suite("PostgreSQL layer, migrations and projections on a real PostgreSQL", .enabled(if: postgresAvailable, "needs PostgreSQL: run ops/test"))
struct PostgresTests {
    @Test("values are only ever parameters; errors carry the SQLSTATE but never a value")
    func parameters() async throws {
        let database = try await TestDatabase.create(migrated: false)
        let db = database.connection
        try await db.query("CREATE TABLE t (id text PRIMARY KEY, note text)")
        let hostile = "x'); DROP TABLE t; -- \" \\ ; 𝄞"
        try await db.query("INSERT INTO t VALUES ($1, $2)", [.text("secret-id-4711"), .text(hostile)])
        let rows = try await db.query("SELECT note FROM t WHERE id = $1", [.text("secret-id-4711")])
        #expect(rows.value(0, "note") == hostile)
        do {
            try await db.query("INSERT INTO t VALUES ($1, $2)", [.text("secret-id-4711"), .null])
            Issue.record("a duplicate key must fail")
        } catch let error as PostgresError {
            #expect(error.code == "23505" && !error.isRetriable)
            #expect(!error.description.contains("secret-id-4711"), "no values in errors: \(error)")
        }
        let roundTrip = try await db.query(
            "SELECT $1::bigint AS i, $2::double precision AS d, $3::boolean AS b, $4::timestamptz AS ts, $5::text[] AS a, $6::jsonb AS j",
            [.int(.min), .double(-0.5), .bool(true), .timestamp(Date(timeIntervalSince1970: 1_790_000_000.123456)),
             .textArray(["a\"b", "c,d", "e\\f"]), .json(#"{"k": [1, 2]}"#)])
        #expect(roundTrip.int(0, "i") == .min && roundTrip.double(0, "d") == -0.5 && roundTrip.bool(0, "b") == true)
        #expect(roundTrip.value(0, "ts") == "2026-09-21 14:13:20.123456+00")
        #expect(roundTrip.value(0, "a") == #"{"a\"b","c,d","e\\f"}"#)
        await db.close()
    }

    @Test("transactions roll back on a throw; a pipeline runs in one round trip and reports the first failure")
    func transactionsAndPipelines() async throws {
        let database = try await TestDatabase.create(migrated: false)
        let db = database.connection
        try await db.query("CREATE TABLE t (n int PRIMARY KEY)")
        struct Boom: Error {}
        await #expect(throws: Boom.self) {
            try await db.transaction { tx in
                try tx.query("INSERT INTO t VALUES (1)")
                throw Boom()
            }
        }
        #expect(try await db.query("SELECT count(*) AS c FROM t").int(0, "c") == 0)
        let failed = await #expect(throws: PostgresError.self) {
            try await db.transaction { tx in
                try tx.pipeline([.init("INSERT INTO t VALUES ($1)", [.int(1)]), .init("INSERT INTO t VALUES (1)"), .init("INSERT INTO t VALUES (3)")])
            }
        }
        #expect(failed?.code == "23505")
        #expect(try await db.query("SELECT count(*) AS c FROM t").int(0, "c") == 0, "nothing of the failed pipeline stays")
        let results = try await db.transaction { tx in
            try tx.pipeline((1...500).map { PostgresStatement("INSERT INTO t VALUES ($1)", [.int(Int64($0))]) })
        }
        #expect(results.count == 500 && results.allSatisfy { $0.affected == 1 })
        // Blocking libpq calls run on the connection's own queue, never on Swift's cooperative pool.
        #expect(try await db.withSession { _ in PostgresConnection.onConnectionQueue })
        #expect(!PostgresConnection.onConnectionQueue)
        await db.close()
    }

    @Test("migrations apply in order once, and the shipped ones are recorded")
    func migrations() async throws {
        let database = try await TestDatabase.create(migrated: false)
        let migrator = try Migrator()
        #expect(migrator.migrations.map(\.version) == migrator.migrations.map(\.version).sorted())
        let first = try await migrator.migrate(database.connection, logger: testLogger())
        #expect(first == migrator.migrations.map(\.name))
        #expect(try await migrator.migrate(database.connection, logger: testLogger()).isEmpty)
        #expect(try await Migrator.appliedVersions(database.connection) == migrator.migrations.map(\.version))
        await database.connection.close()
    }

    @Test("every event type projects; the same events again change nothing thanks to their ids")
    func everyEventType() async throws {
        let database = try await TestDatabase.create()
        let events = sampleEvents(tenant: "acme")
        let covered = Set(events.map { type(of: $0).eventType })
        #expect(covered == Set(EventCatalog.all.map { $0.eventType }), "a sample for every type")
        let items = events.enumerated().map { index, event in
            let envelope = EventEnvelope(
                id: "00000000-0000-0000-0000-\(String(format: "%012d", index))", source: "test", type: type(of: event).eventType,
                time: Date(timeIntervalSince1970: 1_790_000_000 + Double(index)), tenantID: "acme")
            return (envelope, event)
        }
        func project() async throws {
            let statements = items.flatMap { Projection.statements(for: $0.1, envelope: $0.0) }
            let ids = items.map(\.0.id)
            try await database.connection.transaction { tx in
                let seen = try ProjectorStore.applied(tx, ids)
                guard seen.isEmpty else { return }
                try tx.pipeline(statements + [ProjectorStore.markApplied(ids)])
            }
        }
        try await project()
        let before = try await dumpAll(database)
        try await project()
        #expect(try await dumpAll(database) == before)
        let order = try await database.connection.query("SELECT status, risk_score, returned_at IS NOT NULL AS returned FROM orders")
        #expect(order.value(0, "status") == "cancelled" || order.value(0, "status") == "returned")
        let lead = try await database.connection.query("SELECT stage, score, band, rep_id FROM leads")
        #expect(lead.value(0, "stage") == "converted" && lead.value(0, "band") == "hot" && lead.value(0, "rep_id") == "rep-ada")
        let stock = try await database.connection.query("SELECT available, reserved, reorder_point FROM inventory_levels")
        #expect(stock.int(0, "available") == 8 && stock.int(0, "reserved") == 2 && stock.int(0, "reorder_point") == 3)
        let message = try await database.connection.query("SELECT status, opened_at IS NOT NULL AS opened FROM nurture_messages")
        #expect(message.value(0, "status") == "delivered" && message.bool(0, "opened") == true)
        await database.connection.close()
    }

    func dumpAll(_ database: TestDatabase) async throws -> [String: [String]] {
        var result: [String: [String]] = [:]
        for table in ProjectionAdmin.readModels { result[table] = try await database.dump(table) }
        return result
    }
}
