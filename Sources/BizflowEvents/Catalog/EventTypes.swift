// Short names for the v1 protobuf types that are not events (enums and parts of events); an event's short name
// is beside its DomainEvent conformance. A v2 package gets its own names beside these.
public typealias Money = Bizflow_Common_V1_Money
public typealias Address = Bizflow_Common_V1_Address

public typealias LeadSource = Bizflow_Leads_V1_LeadSource
public typealias Consent = Bizflow_Leads_V1_Consent
public typealias PurchaseTimeline = Bizflow_Leads_V1_PurchaseTimeline
public typealias QualificationBand = Bizflow_Leads_V1_QualificationBand
public typealias EngagementKind = Bizflow_Leads_V1_EngagementKind
public typealias NurtureChannel = Bizflow_Leads_V1_NurtureChannel
public typealias DeliveryStatus = Bizflow_Leads_V1_DeliveryStatus
public typealias ModelEvaluation = Bizflow_Leads_V1_ModelEvaluation
public typealias CalibrationBin = Bizflow_Leads_V1_CalibrationBin
public typealias ConversionSource = Bizflow_Leads_V1_ConversionSource
public typealias ScoreReason = Bizflow_Leads_V1_ScoreReason

public typealias PaymentMethod = Bizflow_Orders_V1_PaymentMethod
public typealias RiskDecision = Bizflow_Orders_V1_RiskDecision
public typealias ReservationAction = Bizflow_Orders_V1_ReservationAction
public typealias OrderStatus = Bizflow_Orders_V1_OrderStatus
public typealias ShipmentStatus = Bizflow_Orders_V1_ShipmentStatus
public typealias OrderItem = Bizflow_Orders_V1_OrderItem
public typealias Payment = Bizflow_Orders_V1_Payment
public typealias RiskReason = Bizflow_Orders_V1_RiskReason
public typealias Reservation = Bizflow_Orders_V1_Reservation
public typealias MissingStock = Bizflow_Orders_V1_MissingStock

public typealias AdjustmentReason = Bizflow_Inventory_V1_AdjustmentReason

// Operational records (not domain events: no tenant, never in the catalog).
public typealias MemberState = Bizflow_Ops_V1_MemberState
public typealias AssignedPartitions = Bizflow_Ops_V1_AssignedPartitions
public typealias MemberStatus = Bizflow_Ops_V1_MemberStatus
