/// The topics of the order pipeline. A prefix lets tests and side-by-side deployments use their own copies.
public struct OrderTopics: Sendable, Equatable {
    public var prefix: String

    public init(prefix: String = "") { self.prefix = prefix }

    public var placed: String { prefix + "orders.placed" }
    public var commands: String { prefix + "orders.commands" }
    public var carrier: String { prefix + "orders.carrier" }
    public var stock: String { prefix + "inventory.stock" }
    public var signals: String { prefix + "fraud.signals" }
    public var assessed: String { prefix + "orders.assessed" }
    public var reservations: String { prefix + "inventory.reservations" }
    public var answers: String { prefix + "inventory.answers" }
    public var alerts: String { prefix + "inventory.alerts" }
    public var reserved: String { prefix + "orders.reserved" }
    public var fulfilment: String { prefix + "orders.fulfilment" }
}
