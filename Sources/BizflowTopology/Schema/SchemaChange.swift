/// A change between two versions of the `.proto` files that breaks readers of events written before it.
public struct SchemaChange: Equatable, Sendable, CustomStringConvertible {
    /// The `.proto` file (as `protoc` names it), e.g. `bizflow/leads/v1/leads.proto`.
    public var file: String
    /// The message or enum's full name.
    public var type: String
    /// The field or enum value, with its number; empty for a whole message.
    public var member: String
    public var problem: String

    public var description: String {
        "\(file): \(type)\(member.isEmpty ? "" : ".\(member)"): \(problem)"
    }
}
