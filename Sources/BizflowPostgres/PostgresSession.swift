import CLibPQ
import Foundation

/// Synchronous use of one open connection. Only valid inside `PostgresConnection.withSession` and friends, which
/// run on the connection's own thread: every call here blocks that thread, never Swift's cooperative pool.
public final class PostgresSession {
    let connection: OpaquePointer
    let prepared: PreparedStatements

    init(connection: OpaquePointer, prepared: PreparedStatements) {
        self.connection = connection
        self.prepared = prepared
    }

    /// Runs one parameterised statement (values are never spliced into the SQL) and returns its rows.
    @discardableResult
    public func query(_ sql: String, _ parameters: [PostgresValue] = []) throws(PostgresError) -> PostgresRows {
        let result = withParameters(parameters) { count, values in
            PQexecParams(connection, sql, count, nil, values, nil, nil, 0)
        }
        let checked = try LibPQ.check(result, connection, operation: "query")
        defer { PQclear(checked) }
        return LibPQ.rows(checked)
    }

    /// Runs a script of several statements without parameters (migrations only: never with outside values).
    public func script(_ sql: String) throws(PostgresError) {
        let result = try LibPQ.check(PQexec(connection, sql), connection, operation: "script")
        PQclear(result)
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    public func transaction<T>(_ body: (PostgresSession) throws -> T) throws -> T {
        try query("BEGIN")
        do {
            let value = try body(self)
            try query("COMMIT")
            return value
        } catch {
            rollBackIfOpen()
            throw error
        }
    }

    /// Ends a transaction left open by a failure (a no-op when none is, or when the connection is gone).
    public func rollBackIfOpen() {
        guard PQstatus(connection) == CONNECTION_OK, PQtransactionStatus(connection) != PQTRANS_IDLE else { return }
        _ = try? query("ROLLBACK")
    }

    /// Sends every statement before reading any answer (libpq pipeline mode): one round trip for the lot.
    /// After the first failure the rest are skipped by the server; the first error is thrown once all answers are in.
    /// With `rows: false` only the outcome is read (no rows copied): for writes nobody reads back.
    @discardableResult
    public func pipeline(_ statements: [PostgresStatement], rows: Bool = true) throws(PostgresError) -> [PostgresRows] {
        guard !statements.isEmpty else { return [] }
        guard PQenterPipelineMode(connection) == 1 else { throw LibPQ.connectionError(connection, operation: "pipeline") }
        defer { PQexitPipelineMode(connection) }
        var firstError: PostgresError?
        var results: [PostgresRows] = []
        results.reserveCapacity(statements.count)
        // Statements with parameters run as prepared statements: parsed and planned once per connection.
        var expected: [Bool] = []  // per result: true for a statement's, false for a PREPARE's
        var preparedNow: [String] = []
        for statement in statements {
            guard !statement.parameters.isEmpty else {
                guard PQsendQueryParams(connection, statement.sql, 0, nil, nil, nil, nil, 0) == 1 else {
                    throw LibPQ.connectionError(connection, operation: "pipeline")
                }
                expected.append(true)
                continue
            }
            let (name, isNew) = prepared.name(for: statement.sql)
            if isNew {
                guard PQsendPrepare(connection, name, statement.sql, Int32(statement.parameters.count), nil) == 1 else {
                    prepared.forget(statement.sql)
                    throw LibPQ.connectionError(connection, operation: "pipeline")
                }
                preparedNow.append(statement.sql)
                expected.append(false)
            }
            let sent = withParameters(statement.parameters) { count, values in
                PQsendQueryPrepared(connection, name, count, values, nil, nil, 0)
            }
            guard sent == 1 else { throw LibPQ.connectionError(connection, operation: "pipeline") }
            expected.append(true)
        }
        guard PQpipelineSync(connection) == 1 else { throw LibPQ.connectionError(connection, operation: "pipeline") }
        for isStatement in expected {
            // Each result, then a NULL that ends it.
            guard let result = PQgetResult(connection) else { throw LibPQ.connectionError(connection, operation: "pipeline") }
            let status = PQresultStatus(result)
            if status == PGRES_PIPELINE_ABORTED {
                PQclear(result)
                if isStatement { results.append(PostgresRows()) }
            } else {
                do {
                    let checked = try LibPQ.check(result, connection, operation: "pipeline")
                    if isStatement { results.append(rows ? LibPQ.rows(checked) : PostgresRows()) }
                    PQclear(checked)
                } catch {
                    if firstError == nil { firstError = error }
                    if isStatement { results.append(PostgresRows()) }
                }
            }
            while let extra = PQgetResult(connection) { PQclear(extra) }
        }
        // The sync point closes the pipeline.
        while let result = PQgetResult(connection) {
            let status = PQresultStatus(result)
            PQclear(result)
            if status == PGRES_PIPELINE_SYNC { break }
        }
        if PQstatus(connection) != CONNECTION_OK { throw LibPQ.connectionError(connection, operation: "pipeline") }
        if let firstError {
            // Whether this pipeline's PREPAREs took is unknown now: prepare those again next time (new names).
            for sql in preparedNow { prepared.forget(sql) }
            throw firstError
        }
        return results
    }

    /// Calls `body` with C strings for the parameters (nil for NULL), alive for the call.
    private func withParameters<R>(_ parameters: [PostgresValue], _ body: (Int32, [UnsafePointer<CChar>?]) -> R) -> R {
        let texts = parameters.map(\.text)
        let pointers: [UnsafeMutablePointer<CChar>?] = texts.map { $0.map { strdup($0) } ?? nil }
        defer { for pointer in pointers { free(pointer) } }
        return body(Int32(pointers.count), pointers.map { $0.map { UnsafePointer($0) } })
    }
}
