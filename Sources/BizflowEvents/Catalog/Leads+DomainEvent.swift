extension LeadCaptured: DomainEvent {
    public var eventKey: String { leadID }
    public static let keyField = "lead_id"
    public static var view: (any EventView.Type)? { LeadCapturedView.self }
}
extension LeadEngagement: DomainEvent {
    public var eventKey: String { leadID }
    public static let keyField = "lead_id"
}
extension LeadScored: DomainEvent {
    public var eventKey: String { leadID }
    public static let keyField = "lead_id"
}
extension LeadAssigned: DomainEvent {
    public var eventKey: String { leadID }
    public static let keyField = "lead_id"
}
extension NurtureMessage: DomainEvent {
    public var eventKey: String { leadID }
    public static let keyField = "lead_id"
}
extension NurtureDelivery: DomainEvent {
    public var eventKey: String { leadID }
    public static let keyField = "lead_id"
}
extension LeadConverted: DomainEvent {
    public var eventKey: String { leadID }
    public static let keyField = "lead_id"
}
extension ScoringModel: DomainEvent {
    /// Keyed by tenant: the compacted topic keeps each tenant's latest model.
    public var eventKey: String { tenantID }
    public static let keyField = "tenant_id"
}
extension ScoreOverride: DomainEvent {
    public var eventKey: String { leadID }
    public static let keyField = "lead_id"
}
extension ReassignLead: DomainEvent {
    public var eventKey: String { leadID }
    public static let keyField = "lead_id"
}
extension LeadUnassigned: DomainEvent {
    public var eventKey: String { leadID }
    public static let keyField = "lead_id"
}
extension AssignmentEscalated: DomainEvent {
    public var eventKey: String { leadID }
    public static let keyField = "lead_id"
}
extension AcceptAssignment: DomainEvent {
    public var eventKey: String { leadID }
    public static let keyField = "lead_id"
}
