/// A PostgreSQL failure: the SQLSTATE (or a client-side code), the server's primary message and what to do.
/// Never carries parameter values or the DETAIL field (which can quote row values), nor connection secrets.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// SQLSTATE, or `connection` / `client` for failures before the server answered.
    public var code: String
    public var message: String
    /// The server's hint, if any.
    public var hint: String?
    /// What was being done (e.g. "connect", "query", "pipeline").
    public var operation: String

    public init(code: String, message: String, hint: String? = nil, operation: String) {
        self.code = code
        self.message = message
        self.hint = hint
        self.operation = operation
    }

    /// Worth retrying on a fresh connection: the connection or server went away, or a transaction lost a race.
    public var isRetriable: Bool {
        code == "connection" || code.hasPrefix("08") || code.hasPrefix("53") || code.hasPrefix("57P")
            || code == "40001" || code == "40P01" || code == "55P03"
    }

    public var description: String {
        var text = "PostgreSQL \(operation) failed: \(message) (\(code == "connection" ? "connection lost" : "SQLSTATE \(code)"))"
        if let hint, !hint.isEmpty { text += "; hint: \(hint)" }
        if code == "connection" {
            text += "; is PostgreSQL running at the address in DATABASE_URL (or the PG* variables)?"
        }
        return text
    }
}
