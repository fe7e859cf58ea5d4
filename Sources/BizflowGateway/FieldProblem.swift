/// One thing wrong with a request body, at a path like `items[2].quantity`.
public struct FieldProblem: Sendable, Equatable, Encodable, CustomStringConvertible {
    public var field: String
    public var problem: String

    public init(_ field: String, _ problem: String) {
        self.field = field
        self.problem = problem
    }

    public var description: String { field.isEmpty ? problem : "\(field): \(problem)" }
}
