import BizflowEvents

/// What the fulfilment tier keeps of one reserved order (state store `orders`, keyed by tenant and order id).
struct FulfilmentCase: Codable, Equatable, Sendable {
    enum Phase: String, Codable, Sendable {
        /// Labels created, nothing shipped yet: a cancel still releases the stock.
        case planned
        case shipped
        case delivered
        case cancelled
        /// A cancel overtook the reservation: the order is cancelled as soon as it arrives.
        case cancelRequested
    }

    struct Shipment: Codable, Equatable, Sendable {
        var plan: ShipmentPlanner.Plan
        var tracking: String
        /// The furthest status reached (raw value of `ShipmentStatus`).
        var status: Int
    }

    var phase: Phase
    /// The order (protobuf OrderPlaced): recipient, prices for refunds.
    var order: [UInt8] = []
    var shipments: [Shipment] = []
    /// Returned units per SKU, and the RMAs already handled.
    var returned: [String: Int64] = [:]
    var rmas: [String] = []
    var cancelActor = ""
    var cancelReason = ""

    /// How far a shipment status goes: callbacks never move a shipment backwards.
    static func rank(_ status: ShipmentStatus) -> Int {
        switch status {
        case .labelCreated: return 1
        case .shipped: return 2
        case .inTransit: return 3
        case .delivered: return 4
        default: return 0
        }
    }
}
