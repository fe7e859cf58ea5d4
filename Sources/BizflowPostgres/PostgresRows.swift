/// The rows of a result, as text (libpq's text format), with the command's affected-row count.
public struct PostgresRows: Sendable {
    public var columns: [String]
    public var rows: [[String?]]
    /// Rows inserted, updated or deleted (0 for a SELECT).
    public var affected: Int

    public init(columns: [String] = [], rows: [[String?]] = [], affected: Int = 0) {
        self.columns = columns
        self.rows = rows
        self.affected = affected
    }

    public var count: Int { rows.count }

    /// The value of `column` in row `index`, nil for NULL or an unknown column.
    public func value(_ index: Int, _ column: String) -> String? {
        guard let position = columns.firstIndex(of: column), index < rows.count else { return nil }
        return rows[index][position]
    }

    public func int(_ index: Int, _ column: String) -> Int64? { value(index, column).flatMap { Int64($0) } }
    public func double(_ index: Int, _ column: String) -> Double? { value(index, column).flatMap { Double($0) } }
    public func bool(_ index: Int, _ column: String) -> Bool? { value(index, column).map { $0 == "t" } }
}
