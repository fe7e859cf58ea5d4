/// The shipped topology's topic names under a prefix, so a test's pipeline has topics of its own on a shared broker.
/// Tests only: the tiers take their topics from the parsed topology.
public struct PipelineTopics: Sendable, Equatable {
    public var prefix: String

    public init(prefix: String = "") { self.prefix = prefix }

    /// A topic of the shipped topology under this prefix.
    public func named(_ name: String) -> String { prefix + name }

    public var captured: String { named("leads.captured") }
    public var engagement: String { named("leads.engagement") }
    public var leadCommands: String { named("leads.commands") }
    public var scored: String { named("leads.scored") }
    public var assigned: String { named("leads.assigned") }
    public var nurture: String { named("nurture.messages") }
    public var placed: String { named("orders.placed") }
    public var orderCommands: String { named("orders.commands") }
    public var carrier: String { named("orders.carrier") }
    public var stock: String { named("inventory.stock") }
    public var signals: String { named("fraud.signals") }
    public var assessed: String { named("orders.assessed") }
    public var reservations: String { named("inventory.reservations") }
    public var answers: String { named("inventory.answers") }
    public var alerts: String { named("inventory.alerts") }
    public var reserved: String { named("orders.reserved") }
    public var fulfilment: String { named("orders.fulfilment") }
}
