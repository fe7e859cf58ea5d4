/// The topics of the lead pipeline. A prefix lets tests and side-by-side deployments use their own copies.
public struct LeadTopics: Sendable, Equatable {
    public var prefix: String

    public init(prefix: String = "") { self.prefix = prefix }

    public var captured: String { prefix + "leads.captured" }
    public var engagement: String { prefix + "leads.engagement" }
    public var commands: String { prefix + "leads.commands" }
    public var scored: String { prefix + "leads.scored" }
    public var assigned: String { prefix + "leads.assigned" }
    public var nurture: String { prefix + "nurture.messages" }

    /// A topic of the shipped topology under this prefix.
    public func named(_ name: String) -> String { prefix + name }
}
