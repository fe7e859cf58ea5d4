import BizflowEvents
import BizflowProtosC
import Foundation
import SwiftProtobuf
import Testing

/// Every message type, paired with its protobuf-c descriptor.
nonisolated(unsafe) let messageTypes: [(any SwiftProtobuf.Message.Type, UnsafePointer<ProtobufCMessageDescriptor>)] = [
        (Money.self, descriptor(Bizflow__Common__V1__Money(), bizflow__common__v1__money__init)),
        (Address.self, descriptor(Bizflow__Common__V1__Address(), bizflow__common__v1__address__init)),
        (LeadCaptured.self, descriptor(Bizflow__Leads__V1__LeadCaptured(), bizflow__leads__v1__lead_captured__init)),
        (LeadEngagement.self, descriptor(Bizflow__Leads__V1__LeadEngagement(), bizflow__leads__v1__lead_engagement__init)),
        (LeadConverted.self, descriptor(Bizflow__Leads__V1__LeadConverted(), bizflow__leads__v1__lead_converted__init)),
        (ScoringModel.self, descriptor(Bizflow__Leads__V1__ScoringModel(), bizflow__leads__v1__scoring_model__init)),
        (LeadRecycled.self, descriptor(Bizflow__Leads__V1__LeadRecycled(), bizflow__leads__v1__lead_recycled__init)),
        (ModelEvaluation.self, descriptor(Bizflow__Leads__V1__ModelEvaluation(), bizflow__leads__v1__model_evaluation__init)),
        (CalibrationBin.self, descriptor(Bizflow__Leads__V1__CalibrationBin(), bizflow__leads__v1__calibration_bin__init)),
        (ScoreReason.self, descriptor(Bizflow__Leads__V1__ScoreReason(), bizflow__leads__v1__score_reason__init)),
        (LeadScored.self, descriptor(Bizflow__Leads__V1__LeadScored(), bizflow__leads__v1__lead_scored__init)),
        (LeadAssigned.self, descriptor(Bizflow__Leads__V1__LeadAssigned(), bizflow__leads__v1__lead_assigned__init)),
        (NurtureMessage.self, descriptor(Bizflow__Leads__V1__NurtureMessage(), bizflow__leads__v1__nurture_message__init)),
        (NurtureDelivery.self, descriptor(Bizflow__Leads__V1__NurtureDelivery(), bizflow__leads__v1__nurture_delivery__init)),
        (LeadUnassigned.self, descriptor(Bizflow__Leads__V1__LeadUnassigned(), bizflow__leads__v1__lead_unassigned__init)),
        (AssignmentEscalated.self, descriptor(Bizflow__Leads__V1__AssignmentEscalated(), bizflow__leads__v1__assignment_escalated__init)),
        (OrderItem.self, descriptor(Bizflow__Orders__V1__OrderItem(), bizflow__orders__v1__order_item__init)),
        (Payment.self, descriptor(Bizflow__Orders__V1__Payment(), bizflow__orders__v1__payment__init)),
        (OrderPlaced.self, descriptor(Bizflow__Orders__V1__OrderPlaced(), bizflow__orders__v1__order_placed__init)),
        (RiskReason.self, descriptor(Bizflow__Orders__V1__RiskReason(), bizflow__orders__v1__risk_reason__init)),
        (OrderAssessed.self, descriptor(Bizflow__Orders__V1__OrderAssessed(), bizflow__orders__v1__order_assessed__init)),
        (ReviewRequested.self, descriptor(Bizflow__Orders__V1__ReviewRequested(), bizflow__orders__v1__review_requested__init)),
        (ReservationRequested.self, descriptor(Bizflow__Orders__V1__ReservationRequested(), bizflow__orders__v1__reservation_requested__init)),
        (ReservationAnswered.self, descriptor(Bizflow__Orders__V1__ReservationAnswered(), bizflow__orders__v1__reservation_answered__init)),
        (Reservation.self, descriptor(Bizflow__Orders__V1__Reservation(), bizflow__orders__v1__reservation__init)),
        (OrderReserved.self, descriptor(Bizflow__Orders__V1__OrderReserved(), bizflow__orders__v1__order_reserved__init)),
        (MissingStock.self, descriptor(Bizflow__Orders__V1__MissingStock(), bizflow__orders__v1__missing_stock__init)),
        (OrderBackordered.self, descriptor(Bizflow__Orders__V1__OrderBackordered(), bizflow__orders__v1__order_backordered__init)),
        (OrderStatusChanged.self, descriptor(Bizflow__Orders__V1__OrderStatusChanged(), bizflow__orders__v1__order_status_changed__init)),
        (ShipmentUpdated.self, descriptor(Bizflow__Orders__V1__ShipmentUpdated(), bizflow__orders__v1__shipment_updated__init)),
        (CarrierCallback.self, descriptor(Bizflow__Orders__V1__CarrierCallback(), bizflow__orders__v1__carrier_callback__init)),
        (ReturnRequested.self, descriptor(Bizflow__Orders__V1__ReturnRequested(), bizflow__orders__v1__return_requested__init)),
        (RefundIssued.self, descriptor(Bizflow__Orders__V1__RefundIssued(), bizflow__orders__v1__refund_issued__init)),
        (CustomerNotification.self, descriptor(Bizflow__Orders__V1__CustomerNotification(), bizflow__orders__v1__customer_notification__init)),
        (VelocityProbe.self, descriptor(Bizflow__Orders__V1__VelocityProbe(), bizflow__orders__v1__velocity_probe__init)),
        (VelocityCounted.self, descriptor(Bizflow__Orders__V1__VelocityCounted(), bizflow__orders__v1__velocity_counted__init)),
        (NotificationDelivery.self, descriptor(Bizflow__Orders__V1__NotificationDelivery(), bizflow__orders__v1__notification_delivery__init)),
        (StockAdjusted.self, descriptor(Bizflow__Inventory__V1__StockAdjusted(), bizflow__inventory__v1__stock_adjusted__init)),
        (LowStock.self, descriptor(Bizflow__Inventory__V1__LowStock(), bizflow__inventory__v1__low_stock__init)),
        (ScoreOverride.self, descriptor(Bizflow__Commands__V1__ScoreOverride(), bizflow__commands__v1__score_override__init)),
        (ReassignLead.self, descriptor(Bizflow__Commands__V1__ReassignLead(), bizflow__commands__v1__reassign_lead__init)),
        (AcceptAssignment.self, descriptor(Bizflow__Commands__V1__AcceptAssignment(), bizflow__commands__v1__accept_assignment__init)),
        (ReviewDecision.self, descriptor(Bizflow__Commands__V1__ReviewDecision(), bizflow__commands__v1__review_decision__init)),
        (CancelOrder.self, descriptor(Bizflow__Commands__V1__CancelOrder(), bizflow__commands__v1__cancel_order__init)),
    ]

/// The protobuf-c descriptor of a generated C message type, read from an initialised instance.
func descriptor<T>(_ value: T, _ initialise: (UnsafeMutablePointer<T>) -> Void) -> UnsafePointer<ProtobufCMessageDescriptor> {
    var value = value
    initialise(&value)
    return withUnsafePointer(to: &value) {
        UnsafeRawPointer($0).assumingMemoryBound(to: ProtobufCMessage.self).pointee.descriptor
    }
}

/// Builds proto3 JSON that sets every field of a message from its protobuf-c descriptor, so the test covers
/// fields added later without being edited.
func sampleJSON(_ descriptor: UnsafePointer<ProtobufCMessageDescriptor>, depth: Int = 0) -> String {
    if String(cString: descriptor.pointee.name) == "google.protobuf.Timestamp" {
        return "\"2026-05-06T07:08:09.123Z\""
    }
    var members: [String] = []
    var oneofsSet: Set<UInt32> = []
    for index in 0..<Int(descriptor.pointee.n_fields) {
        let field = descriptor.pointee.fields[index]
        if field.flags & UInt32(PROTOBUF_C_FIELD_FLAG_ONEOF.rawValue) != 0 {
            guard oneofsSet.insert(field.quantifier_offset).inserted else { continue }
        }
        let id = Int(field.id)
        let value: String
        switch field.type {
        case PROTOBUF_C_TYPE_STRING: value = "\"s\(id)-ü\""
        case PROTOBUF_C_TYPE_BYTES: value = "\"AQID\""
        case PROTOBUF_C_TYPE_BOOL: value = "true"
        case PROTOBUF_C_TYPE_DOUBLE, PROTOBUF_C_TYPE_FLOAT: value = "\(id).5"
        case PROTOBUF_C_TYPE_ENUM:
            let enumDescriptor = field.descriptor.assumingMemoryBound(to: ProtobufCEnumDescriptor.self)
            let values = enumDescriptor.pointee.values!
            value = "\"\(String(cString: values[Int(enumDescriptor.pointee.n_values) - 1].name))\""
        case PROTOBUF_C_TYPE_MESSAGE:
            guard depth < 3 else { continue }
            value = sampleJSON(field.descriptor.assumingMemoryBound(to: ProtobufCMessageDescriptor.self), depth: depth + 1)
        case PROTOBUF_C_TYPE_INT64, PROTOBUF_C_TYPE_SINT64, PROTOBUF_C_TYPE_SFIXED64:
            value = "\"-\(id * 1_000_000_007)\""
        default:
            value = "\(id * 7)"
        }
        let repeated = field.label == PROTOBUF_C_LABEL_REPEATED
        members.append("\"\(String(cString: field.name))\":\(repeated ? "[\(value),\(value)]" : value)")
    }
    return "{" + members.joined(separator: ",") + "}"
}

/// Unpacks bytes with protobuf-c, checks it understood every field, and packs them again.
func cRoundTrip(_ bytes: [UInt8], _ descriptor: UnsafePointer<ProtobufCMessageDescriptor>) throws -> [UInt8] {
    let message = try #require(bytes.withUnsafeBufferPointer {
        protobuf_c_message_unpack(descriptor, nil, $0.count, $0.baseAddress)
    }, "protobuf-c could not decode \(String(cString: descriptor.pointee.name))")
    defer { protobuf_c_message_free_unpacked(message, nil) }
    #expect(message.pointee.n_unknown_fields == 0, "protobuf-c saw unknown fields in \(String(cString: descriptor.pointee.name))")
    var packed = [UInt8](repeating: 0, count: protobuf_c_message_get_packed_size(message))
    let written = packed.withUnsafeMutableBufferPointer { protobuf_c_message_pack(message, $0.baseAddress) }
    #expect(written == packed.count)
    return packed
}

@Suite("Swift ↔ protobuf-c")
struct CrossLanguageTests {
    @Test("every message type: Swift encodes, protobuf-c decodes; protobuf-c encodes, Swift decodes")
    func everyMessageType() throws {
        #expect(messageTypes.count >= EventCatalog.all.count)
        for (type, descriptor) in messageTypes {
            #expect(String(cString: descriptor.pointee.name) == type.protoMessageName)
            let original = try type.init(jsonString: sampleJSON(descriptor))
            let swiftBytes: [UInt8] = try original.serializedBytes()
            #expect(!swiftBytes.isEmpty)
            let cBytes = try cRoundTrip(swiftBytes, descriptor)
            let decoded = try type.init(serializedBytes: cBytes)
            #expect(decoded.isEqualTo(message: original), "\(type.protoMessageName) changed crossing protobuf-c")
            #expect(decoded.unknownFields.data.isEmpty)
        }
    }

    @Test("every event type in the catalog has a C binding in the table")
    func catalogCovered() {
        let covered = Set(messageTypes.map { $0.0.protoMessageName })
        for type in EventCatalog.all { #expect(covered.contains(type.eventType)) }
    }
}
