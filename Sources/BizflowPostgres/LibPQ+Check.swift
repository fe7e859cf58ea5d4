import CLibPQ

/// The one place libpq's results are checked: every call that yields a PGresult goes through here.
enum LibPQ {
    /// Takes ownership of `result`: returns it when it succeeded, else clears it and throws its error.
    static func check(_ result: OpaquePointer?, _ connection: OpaquePointer, operation: String) throws(PostgresError)
        -> OpaquePointer
    {
        guard let result else { throw connectionError(connection, operation: operation) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_PIPELINE_SYNC, PGRES_COPY_IN, PGRES_COPY_OUT:
            return result
        default:
            let error = resultError(result, connection, operation: operation)
            PQclear(result)
            throw error
        }
    }

    /// The error a failed result describes: SQLSTATE, primary message and hint (never DETAIL: it quotes values).
    static func resultError(_ result: OpaquePointer, _ connection: OpaquePointer, operation: String) -> PostgresError {
        func field(_ code: Int32) -> String? { PQresultErrorField(result, code).map { String(cString: $0) } }
        guard let state = field(Int32(UInt8(ascii: "C"))) else {
            if PQstatus(connection) != CONNECTION_OK { return connectionError(connection, operation: operation) }
            let status = String(cString: PQresStatus(PQresultStatus(result)))
            return PostgresError(code: "client", message: "unexpected result \(status)", operation: operation)
        }
        return PostgresError(
            code: state, message: field(Int32(UInt8(ascii: "M"))) ?? "unknown error", hint: field(Int32(UInt8(ascii: "H"))),
            operation: operation)
    }

    /// A connection-level failure, with libpq's message (which names host and port, never the password).
    static func connectionError(_ connection: OpaquePointer?, operation: String) -> PostgresError {
        let message = connection.flatMap { PQerrorMessage($0).map { String(cString: $0) } } ?? "out of memory"
        let trimmed = message.split(separator: "\n").first.map(String.init) ?? "no answer"
        return PostgresError(code: "connection", message: trimmed.isEmpty ? "no answer" : trimmed, operation: operation)
    }

    /// The rows of a successful result (text format).
    static func rows(_ result: OpaquePointer) -> PostgresRows {
        let columns = (0..<PQnfields(result)).map { String(cString: PQfname(result, $0)) }
        var rows: [[String?]] = []
        let count = PQntuples(result)
        rows.reserveCapacity(Int(count))
        for row in 0..<count {
            rows.append(
                (0..<Int32(columns.count)).map { column in
                    PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
                })
        }
        let affected = Int(String(cString: PQcmdTuples(result))) ?? 0
        return PostgresRows(columns: columns, rows: rows, affected: affected)
    }
}
