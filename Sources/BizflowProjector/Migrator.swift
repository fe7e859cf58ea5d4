import BizflowPostgres
import Foundation
import Logging

/// Applies the SQL migrations shipped with the binary (`Migrations/NNNN_name.sql`), in order, each in its own
/// transaction, recorded in `bizflow_migrations`. Concurrent runs wait for each other (an advisory lock).
public struct Migrator: Sendable {
    public struct Migration: Sendable, Equatable {
        public var version: Int
        public var name: String
        public var sql: String
    }

    public let migrations: [Migration]

    public init(migrations: [Migration]? = nil) throws {
        self.migrations = try migrations ?? Self.shipped()
    }

    /// The migrations in this binary's resources.
    public static func shipped() throws -> [Migration] {
        guard let directory = Bundle.module.url(forResource: "Migrations", withExtension: nil) else {
            throw PostgresError(
                code: "client", message: "the Migrations resource is missing next to the binary: rebuild with `swift build`",
                operation: "migrate")
        }
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "sql" }
        return try files.compactMap { url -> Migration? in
            let stem = url.deletingPathExtension().lastPathComponent
            guard let version = Int(stem.prefix { $0.isNumber }) else { return nil }
            return Migration(version: version, name: stem, sql: try String(contentsOf: url, encoding: .utf8))
        }.sorted { $0.version < $1.version }
    }

    /// Applies what is pending; returns the names applied (empty when the schema is current).
    @discardableResult
    public func migrate(_ database: PostgresConnection, logger: Logger) async throws -> [String] {
        let migrations = self.migrations
        let applied = try await database.withSession { session -> [String] in
            try session.query(
                """
                CREATE TABLE IF NOT EXISTS bizflow_migrations (
                  version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
                """)
            var applied: [String] = []
            for migration in migrations {
                let done = try session.transaction { tx -> Bool in
                    try tx.query("SELECT pg_advisory_xact_lock(7212368491)")
                    let present = try tx.query("SELECT 1 FROM bizflow_migrations WHERE version = $1", [.int(Int64(migration.version))])
                    guard present.count == 0 else { return false }
                    try tx.script(migration.sql)
                    try tx.query(
                        "INSERT INTO bizflow_migrations (version, name) VALUES ($1, $2)",
                        [.int(Int64(migration.version)), .text(migration.name)])
                    return true
                }
                if done { applied.append(migration.name) }
            }
            return applied
        }
        for name in applied { logger.info("migration applied", metadata: ["migration": "\(name)"]) }
        return applied
    }

    /// The versions recorded as applied.
    public static func appliedVersions(_ database: PostgresConnection) async throws -> [Int] {
        let exists = try await database.query("SELECT to_regclass('bizflow_migrations') IS NOT NULL AS present")
        guard exists.bool(0, "present") == true else { return [] }
        let rows = try await database.query("SELECT version FROM bizflow_migrations ORDER BY version")
        return (0..<rows.count).compactMap { rows.int($0, "version").map(Int.init) }
    }
}
