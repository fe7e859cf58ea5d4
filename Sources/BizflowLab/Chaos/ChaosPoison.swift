import BizflowCLI
import BizflowEvents
import BizflowKafka
import BizflowRuntime
import BizflowWorkload
import Foundation

/// Malformed inputs, about 1 in 1,000 (at least one of every kind): what the tiers must dead-letter while every good
/// event flows. Some kinds are decodable, so the projector shows them (a lead never scored, an order left placed).
struct ChaosPoison {
    enum Kind: CaseIterable {
        case randomBytes, truncated, missingType, unknownType, invalidEmail, negativeQuantity, emptyItems
    }

    var records: [ProducerMessage] = []
    /// Poison leads the projector still records (decodable, refused by scoring).
    var projectedLeads = 0
    /// Poison orders the projector still records (decodable, refused by fraud): they stay "placed".
    var projectedOrders = 0

    init(inputs: Int, seed: UInt64) throws {
        var random = SeededRandom(seed ^ 0xBAD)
        let count = max(Kind.allCases.count, inputs / 1_000)
        for index in 0..<count {
            let kind = Kind.allCases[index % Kind.allCases.count]
            records.append(try Self.record(kind, index: index, random: &random))
            switch kind {
            case .invalidEmail: projectedLeads += 1
            case .negativeQuantity, .emptyItems: projectedOrders += 1
            default: break
            }
        }
    }

    static func lead(_ index: Int) -> LeadCaptured {
        LeadCaptured.with {
            $0.leadID = "poison-lead-\(index)"
            $0.tenantID = WorkloadPlan.tenant
            $0.email = "ada@example.com"
            $0.marketingConsent = .granted
        }
    }

    static func order(_ index: Int, items: [OrderItem]) -> OrderPlaced {
        OrderPlaced.with {
            $0.orderID = "poison-order-\(index)"
            $0.tenantID = WorkloadPlan.tenant
            $0.customerID = "c-poison"
            $0.customerEmail = "ada@example.com"
            $0.currency = "EUR"
            $0.items = items
            $0.total = 1_000
        }
    }

    static func record(_ kind: Kind, index: Int, random: inout SeededRandom) throws -> ProducerMessage {
        switch kind {
        case .randomBytes:
            var record = try EventRecord.make(lead(index), source: "bizflow/chaos", topic: "leads.captured").0
            record.value = (0..<64).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            return record
        case .truncated:
            var record = try EventRecord.make(lead(index), source: "bizflow/chaos", topic: "leads.captured").0
            record.value += [0x0A, 0x10, 0x41]  // field 1 claims 16 bytes and has one
            return record
        case .missingType:
            var record = try EventRecord.make(lead(index), source: "bizflow/chaos", topic: "leads.captured").0
            record.headers.removeAll { $0.key == "ce_type" }
            return record
        case .unknownType:
            var record = try EventRecord.make(lead(index), source: "bizflow/chaos", topic: "leads.captured").0
            record.headers = record.headers.map { $0.key == "ce_type" ? KafkaHeader("ce_type", "bizflow.leads.v1.NoSuchEvent") : $0 }
            return record
        case .invalidEmail:
            var event = lead(index)
            event.email = "not an email"
            return try EventRecord.make(event, source: "bizflow/chaos", topic: "leads.captured").0
        case .negativeQuantity:
            let event = order(index, items: [OrderItem.with { $0.sku = "SKU-MOUSE"; $0.quantity = -2; $0.unitPrice = 500 }])
            return try EventRecord.make(event, source: "bizflow/chaos", topic: "orders.placed").0
        case .emptyItems:
            return try EventRecord.make(order(index, items: []), source: "bizflow/chaos", topic: "orders.placed").0
        }
    }
}
