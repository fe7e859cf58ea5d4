import BizflowEvents
import BizflowHTTP
import BizflowRuntime
import Foundation

/// Creates shipping labels through the carrier's HTTP API: a signed JSON POST whose `Idempotency-Key` is the
/// shipment id, so a retried or replayed call never buys a second label. Without an endpoint the carrier is
/// simulated (tracking numbers derived from the shipment id), for the demo and development.
struct LabelClient: Sendable {
    let endpoint: String
    let poster: WebhookPoster
    let timeout: Duration

    var simulated: Bool { endpoint.isEmpty }

    /// The tracking number of the label for `plan`. Throws `TierError.transient` for answers worth retrying.
    func create(_ plan: ShipmentPlanner.Plan, order: OrderPlaced) async throws -> String {
        guard !simulated else { return Self.simulatedTracking(plan.shipmentID) }
        let address = order.shippingAddress
        let body: [String: Any] = [
            "shipment_id": plan.shipmentID, "order_id": order.orderID, "carrier": plan.carrier, "service": plan.service,
            "warehouse_id": plan.warehouse, "weight_grams": plan.weightGrams,
            "to": [
                "name": address.name, "line1": address.line1, "line2": address.line2, "city": address.city,
                "region": address.region, "postal_code": address.postalCode, "country": address.country,
            ],
        ]
        let bytes = Array(try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]))
        switch await poster.post(bytes, to: endpoint, idempotencyKey: plan.shipmentID, tenant: order.tenantID, timeout: timeout) {
        case .delivered(_, let answer):
            guard let object = try? JSONSerialization.jsonObject(with: Data(answer)) as? [String: Any],
                let tracking = object["tracking_number"] as? String, !tracking.isEmpty
            else {
                throw TierError.invalid("the carrier API answered without a tracking_number for \(plan.shipmentID)")
            }
            return tracking
        case .rejected(let status):
            throw TierError.invalid("the carrier API refused the label for \(plan.shipmentID) with \(status)")
        case .retry(let reason):
            throw TierError.transient("carrier API: \(reason)")
        case .failed(let reason):
            throw TierError.invalid("carrier API: \(reason)")
        }
    }

    /// A stable fake tracking number (FNV-1a of the shipment id).
    static func simulatedTracking(_ shipmentID: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in shipmentID.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        return "SIM" + String(hash % 10_000_000_000).leftPadded(to: 10)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
