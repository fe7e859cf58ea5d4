public typealias LeadCaptured = Bizflow_Leads_V1_LeadCaptured
extension LeadCaptured: DomainEvent {
    public var eventKey: String { leadID }
    public static let keyField = "lead_id"
    public static var view: (any EventView.Type)? { LeadCapturedView.self }
}
public typealias LeadEngagement = Bizflow_Leads_V1_LeadEngagement
extension LeadEngagement: DomainEvent {
    public var eventKey: String { leadID }
    public static let keyField = "lead_id"
}
public typealias LeadScored = Bizflow_Leads_V1_LeadScored
extension LeadScored: DomainEvent {
    public var eventKey: String { leadID }
    public static let keyField = "lead_id"
}
public typealias LeadAssigned = Bizflow_Leads_V1_LeadAssigned
extension LeadAssigned: DomainEvent {
    public var eventKey: String { leadID }
    public static let keyField = "lead_id"
}
public typealias NurtureMessage = Bizflow_Leads_V1_NurtureMessage
extension NurtureMessage: DomainEvent {
    public var eventKey: String { leadID }
    public static let keyField = "lead_id"
}
public typealias NurtureDelivery = Bizflow_Leads_V1_NurtureDelivery
extension NurtureDelivery: DomainEvent {
    public var eventKey: String { leadID }
    public static let keyField = "lead_id"
}
public typealias LeadConverted = Bizflow_Leads_V1_LeadConverted
extension LeadConverted: DomainEvent {
    public var eventKey: String { leadID }
    public static let keyField = "lead_id"
}
public typealias ScoringModel = Bizflow_Leads_V1_ScoringModel
extension ScoringModel: DomainEvent {
    /// Keyed by tenant: the compacted topic keeps each tenant's latest model.
    public var eventKey: String { tenantID }
    public static let keyField = "tenant_id"
}
public typealias ScoreOverride = Bizflow_Commands_V1_ScoreOverride
extension ScoreOverride: DomainEvent {
    public var eventKey: String { leadID }
    public static let keyField = "lead_id"
}
public typealias ReassignLead = Bizflow_Commands_V1_ReassignLead
extension ReassignLead: DomainEvent {
    public var eventKey: String { leadID }
    public static let keyField = "lead_id"
}
public typealias LeadUnassigned = Bizflow_Leads_V1_LeadUnassigned
extension LeadUnassigned: DomainEvent {
    public var eventKey: String { leadID }
    public static let keyField = "lead_id"
}
public typealias AssignmentEscalated = Bizflow_Leads_V1_AssignmentEscalated
extension AssignmentEscalated: DomainEvent {
    public var eventKey: String { leadID }
    public static let keyField = "lead_id"
}
public typealias AcceptAssignment = Bizflow_Commands_V1_AcceptAssignment
extension AcceptAssignment: DomainEvent {
    public var eventKey: String { leadID }
    public static let keyField = "lead_id"
}
public typealias LeadRecycled = Bizflow_Leads_V1_LeadRecycled
public typealias RecycleAction = Bizflow_Leads_V1_RecycleAction
extension LeadRecycled: DomainEvent {
    public var eventKey: String { leadID }
    public static let keyField = "lead_id"
}

extension EventCatalog {
    /// The events of this file, in the order of their proto files.
    static let leadEvents: [any DomainEvent.Type] = [
        LeadCaptured.self,
        LeadEngagement.self,
        LeadScored.self,
        LeadAssigned.self,
        NurtureMessage.self,
        NurtureDelivery.self,
        LeadUnassigned.self,
        AssignmentEscalated.self,
        LeadConverted.self,
        ScoringModel.self,
        LeadRecycled.self,
        ScoreOverride.self,
        ReassignLead.self,
        AcceptAssignment.self,
    ]
}
