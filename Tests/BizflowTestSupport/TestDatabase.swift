import BizflowEmbeddedBroker
import BizflowKafka
import BizflowPostgres
import BizflowProjector
import BizflowTopology
import Foundation
import Logging
import Testing

/// Whether a real PostgreSQL was given (ops/test starts one and sets DATABASE_URL).
public let postgresAvailable = ProcessInfo.processInfo.environment["DATABASE_URL"] != nil

/// A database of its own for one test, created in the PostgreSQL of DATABASE_URL and migrated.
public struct TestDatabase: Sendable {
    public let name: String
    public let url: String
    public let connection: PostgresConnection

    /// In the server of `base` (default: DATABASE_URL).
    public static func create(migrated: Bool = true, base: String? = nil) async throws -> TestDatabase {
        let base = try #require(base ?? ProcessInfo.processInfo.environment["DATABASE_URL"], "run the tests with ops/test")
        let name = "bizflow_test_\(UUID().uuidString.prefix(8).lowercased())"
        let admin = PostgresConnection(configuration: .init(url: base), logger: testLogger())
        try await admin.query("CREATE DATABASE \(name)")  // a generated identifier, not input
        await admin.close()
        let url = base.replacingOccurrences(of: #"/[^/?]*(\?|$)"#, with: "/\(name)$1", options: .regularExpression)
        var configuration = PostgresConnection.Configuration(url: url)
        configuration.connectAttempts = 40
        configuration.maxBackoff = .milliseconds(500)
        let connection = PostgresConnection(configuration: configuration, logger: testLogger())
        if migrated { try await Migrator().migrate(connection, logger: testLogger()) }
        return TestDatabase(name: name, url: url, connection: connection)
    }

    /// A second connection to the same database (e.g. to look while the projector writes).
    public func newConnection() -> PostgresConnection {
        PostgresConnection(configuration: .init(url: url), logger: testLogger())
    }

    /// Every row of a table as text, sorted, without the columns that record when the projector ran.
    public func dump(_ table: String) async throws -> [String] {
        let rows = try await connection.query("SELECT * FROM \(table)")
        let keep = rows.columns.indices.filter { !["applied_at"].contains(rows.columns[$0]) }
        return rows.rows.map { row in keep.map { "\(rows.columns[$0])=\(row[$0] ?? "NULL")" }.joined(separator: " ") }.sorted()
    }
}

/// An embedded broker with the shipped topology's topics.
public func brokerWithTopology() async throws -> EmbeddedBroker {
    let broker = try EmbeddedBroker(logger: testLogger())
    let topology = try Topology.load(path: testRepositoryRoot.appendingPathComponent("Topology/topology.yaml").path)
    _ = try await topology.apply(to: broker)
    return broker
}
