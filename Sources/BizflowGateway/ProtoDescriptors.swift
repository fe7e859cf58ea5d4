import BizflowProtosC

/// The protobuf-c descriptors (the schema of the same `.proto` files) of the messages the gateway accepts.
enum ProtoDescriptors {
    nonisolated(unsafe) static let leadCaptured = descriptor(Bizflow__Leads__V1__LeadCaptured(), bizflow__leads__v1__lead_captured__init)
    nonisolated(unsafe) static let leadEngagement = descriptor(Bizflow__Leads__V1__LeadEngagement(), bizflow__leads__v1__lead_engagement__init)
    nonisolated(unsafe) static let leadConverted = descriptor(Bizflow__Leads__V1__LeadConverted(), bizflow__leads__v1__lead_converted__init)
    nonisolated(unsafe) static let orderPlaced = descriptor(Bizflow__Orders__V1__OrderPlaced(), bizflow__orders__v1__order_placed__init)
    nonisolated(unsafe) static let stockAdjusted = descriptor(Bizflow__Inventory__V1__StockAdjusted(), bizflow__inventory__v1__stock_adjusted__init)
    nonisolated(unsafe) static let scoreOverride = descriptor(Bizflow__Commands__V1__ScoreOverride(), bizflow__commands__v1__score_override__init)
    nonisolated(unsafe) static let reassignLead = descriptor(Bizflow__Commands__V1__ReassignLead(), bizflow__commands__v1__reassign_lead__init)
    nonisolated(unsafe) static let reviewDecision = descriptor(Bizflow__Commands__V1__ReviewDecision(), bizflow__commands__v1__review_decision__init)
    nonisolated(unsafe) static let cancelOrder = descriptor(Bizflow__Commands__V1__CancelOrder(), bizflow__commands__v1__cancel_order__init)

    /// A message type's descriptor, read from an initialised instance (the C globals are not importable as such).
    private static func descriptor<T>(_ value: T, _ initialise: (UnsafeMutablePointer<T>) -> Void)
        -> UnsafePointer<ProtobufCMessageDescriptor>
    {
        var value = value
        initialise(&value)
        return withUnsafePointer(to: &value) {
            UnsafeRawPointer($0).assumingMemoryBound(to: ProtobufCMessage.self).pointee.descriptor
        }
    }
}
