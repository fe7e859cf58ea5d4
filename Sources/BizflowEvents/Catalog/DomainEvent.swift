import SwiftProtobuf

/// A protobuf message that travels as an event: it names its Kafka key and its tenant.
public protocol DomainEvent: SwiftProtobuf.Message, Sendable {
    /// The record key: the lead id for lead events, the order id for order events, the SKU for stock events.
    var eventKey: String { get }
    var tenantID: String { get }
    /// The proto field the key comes from, for error messages.
    static var keyField: String { get }
    /// How the hot path reads this type in place, if it does (`EventView`): then the runtime hands it to tiers
    /// undecoded, and a tier that needs the message decodes it on demand.
    static var view: (any EventView.Type)? { get }
}

extension DomainEvent {
    public static var view: (any EventView.Type)? { nil }
}

extension DomainEvent {
    /// The CloudEvents `ce_type`: the message's full protobuf name.
    public static var eventType: String { protoMessageName }

    /// Problems that make this event unusable anywhere (empty when it is fine).
    public func basicProblems() -> [String] {
        var problems: [String] = []
        if eventKey.isEmpty { problems.append("\(Self.keyField) is required") }
        if tenantID.isEmpty { problems.append("tenant_id is required") }
        return problems
    }
}
