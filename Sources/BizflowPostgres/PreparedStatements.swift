/// The statements prepared on one connection, by SQL text. Only used on the connection's queue.
final class PreparedStatements: @unchecked Sendable {
    private var names: [String: String] = [:]
    private var counter = 0

    /// The statement's name, and whether it still has to be prepared.
    func name(for sql: String) -> (name: String, isNew: Bool) {
        if let name = names[sql] { return (name, false) }
        counter += 1
        let name = "bizflow_\(counter)"
        names[sql] = name
        return (name, true)
    }

    func forget(_ sql: String) { names[sql] = nil }

    /// A new connection has none.
    func reset() { names.removeAll() }
}
