import CLibPQ
import Dispatch
import Foundation
import Logging

/// One PostgreSQL connection (libpq) with a thread of its own: every blocking libpq call runs on its serial
/// queue, never on Swift's cooperative pool, and work submitted to it runs one piece at a time. It connects on
/// first use and, when the server went away, reconnects with capped exponential backoff before the next piece of
/// work; the piece that saw the failure gets a retriable `PostgresError`.
public final class PostgresConnection: @unchecked Sendable {
    /// Where and how to connect.
    public struct Configuration: Sendable {
        /// A libpq connection string or URL; empty means libpq's own `PG*` environment variables.
        public var url: String
        /// Connection attempts before giving up (each piece of work starts a new round).
        public var connectAttempts = 8
        public var initialBackoff: Duration = .milliseconds(100)
        public var maxBackoff: Duration = .seconds(3)
        /// Run on every new connection (e.g. `SET ROLE`), before any work.
        public var setup: [String] = ["SET TIME ZONE 'UTC'"]

        public init(url: String) { self.url = url }

        /// `DATABASE_URL`, else libpq's `PG*` variables.
        public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment)
            -> Configuration
        {
            Configuration(url: environment["DATABASE_URL"] ?? "")
        }
    }

    public let configuration: Configuration
    private let queue: DispatchQueue
    private let logger: Logger
    /// Only touched on `queue`.
    private var connection: OpaquePointer?
    /// Statements prepared on `connection` (reset with it).
    private let prepared = PreparedStatements()

    private static let queueKey = DispatchSpecificKey<Bool>()

    public init(configuration: Configuration, logger: Logger, name: String = "postgres") {
        self.configuration = configuration
        self.logger = logger
        queue = DispatchQueue(label: "bizflow.\(name)")
        queue.setSpecific(key: Self.queueKey, value: true)
    }

    /// Whether the caller runs on a connection's own queue (where blocking libpq calls belong).
    public static var onConnectionQueue: Bool { DispatchQueue.getSpecific(key: queueKey) == true }

    deinit {
        if let connection { PQfinish(connection) }
    }

    /// Runs `body` with exclusive use of the open connection, on its thread.
    public func withSession<T: Sendable>(_ body: @escaping @Sendable (PostgresSession) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { [self] in
                continuation.resume(with: Result { try run(body) })
            }
        }
    }

    /// One parameterised statement.
    @discardableResult
    public func query(_ sql: String, _ parameters: [PostgresValue] = []) async throws -> PostgresRows {
        try await withSession { try $0.query(sql, parameters) }
    }

    /// `body` in a transaction, committed when it returns.
    public func transaction<T: Sendable>(_ body: @escaping @Sendable (PostgresSession) throws -> T) async throws -> T {
        try await withSession { try $0.transaction(body) }
    }

    /// Closes the connection (it reopens on the next use).
    public func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async { [self] in
                if let connection { PQfinish(connection) }
                connection = nil
                continuation.resume()
            }
        }
    }

    // MARK: On the queue

    private func run<T>(_ body: (PostgresSession) throws -> T) throws -> T {
        let open = try openConnection()
        do {
            return try body(PostgresSession(connection: open, prepared: prepared))
        } catch {
            if PQstatus(open) != CONNECTION_OK {
                // The server went away mid-work: drop the connection; the next piece of work reconnects.
                PQfinish(open)
                connection = nil
                logger.warning("PostgreSQL connection lost", metadata: ["error": "\(error)"])
                if let postgres = error as? PostgresError, postgres.code != "connection" {
                    throw PostgresError(code: "connection", message: postgres.message, operation: postgres.operation)
                }
            }
            throw error
        }
    }

    private func openConnection() throws(PostgresError) -> OpaquePointer {
        if let connection, PQstatus(connection) == CONNECTION_OK { return connection }
        if let connection { PQfinish(connection) }
        connection = nil
        var delay = configuration.initialBackoff
        var lastError = PostgresError(code: "connection", message: "not attempted", operation: "connect")
        for attempt in 1...max(1, configuration.connectAttempts) {
            let candidate = PQconnectdb(configuration.url)
            if let candidate, PQstatus(candidate) == CONNECTION_OK {
                PQsetNoticeProcessor(candidate, { _, _ in }, nil)  // NOTICEs are for people at psql, not logs
                prepared.reset()
                do {
                    let session = PostgresSession(connection: candidate, prepared: prepared)
                    for statement in configuration.setup { try session.query(statement) }
                } catch {
                    PQfinish(candidate)
                    throw error
                }
                if attempt > 1 { logger.info("PostgreSQL reconnected", metadata: ["attempts": "\(attempt)"]) }
                connection = candidate
                return candidate
            }
            lastError = LibPQ.connectionError(candidate, operation: "connect")
            if let candidate { PQfinish(candidate) }
            if attempt < configuration.connectAttempts {
                logger.debug("PostgreSQL not reachable: retrying", metadata: ["attempt": "\(attempt)", "error": "\(lastError.message)"])
                Thread.sleep(forTimeInterval: Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18)
                delay = min(delay * 2, configuration.maxBackoff)
            }
        }
        throw lastError
    }
}
