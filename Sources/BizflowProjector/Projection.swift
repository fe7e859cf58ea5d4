import BizflowEvents
import BizflowPostgres
import Foundation
import SwiftProtobuf
import Synchronization

/// What one event does to the read models: SQL statements with parameters, pure and without I/O. Every statement
/// is safe to apply more than once only together with the applied-events check; the projector guarantees once.
public enum Projection {
    /// The statements for `event`; empty for event types that do not change a read model.
    public static func statements(for event: any DomainEvent, envelope: EventEnvelope) -> [PostgresStatement] {
        (event as? any ProjectedEvent)?.statements(Context(envelope: envelope)) ?? []
    }

    /// Per-event values every statement may use.
    struct Context {
        var envelope: EventEnvelope
        var id: PostgresValue { .text(envelope.id) }
        var time: PostgresValue { .timestamp(envelope.time) }

        /// The event's own timestamp when set, else the envelope's time.
        func at(_ timestamp: Google_Protobuf_Timestamp, set: Bool) -> PostgresValue {
            set ? .timestamp(timestamp.date) : time
        }
    }

    static func command(
        _ tenant: String, _ kind: String, _ subject: String, _ commandID: String, _ actor: String, _ reason: String,
        _ detail: [String: Any], _ at: Google_Protobuf_Timestamp, _ context: Context
    ) -> PostgresStatement {
        PostgresStatement(
            """
            INSERT INTO commands (tenant_id, event_id, command_id, kind, subject_id, actor, reason, detail, requested_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9) ON CONFLICT DO NOTHING
            """,
            [
                .text(tenant), context.id, .text(commandID), .text(kind), .text(subject), .text(actor), .text(reason),
                json(detail), at.seconds == 0 && at.nanos == 0 ? context.time : .timestamp(at.date),
            ])
    }

    /// A JSON document parameter.
    static func json(_ object: Any) -> PostgresValue {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return .null }
        return .json(String(decoding: data, as: UTF8.self))
    }

    /// A protobuf enum's case as a lower-case name: `.inReview` → `in_review`.
    static func name<E: SwiftProtobuf.Enum>(_ value: E) -> String {
        let key = NameKey(type: ObjectIdentifier(E.self), raw: value.rawValue)
        if let cached = names.withLock({ $0[key] }) { return cached }
        let name = snakeCase(String(describing: value))
        names.withLock { $0[key] = name }
        return name
    }

    private struct NameKey: Hashable {
        var type: ObjectIdentifier
        var raw: Int
    }

    /// Enum names by type and raw value: `String(describing:)` reflects, which is slow for every event.
    private static let names = Mutex<[NameKey: String]>([:])

    private static func snakeCase(_ text: String) -> String {
        var result = ""
        for character in text {
            if character.isUppercase {
                if !result.isEmpty { result.append("_") }
                result.append(contentsOf: character.lowercased())
            } else {
                result.append(character)
            }
        }
        return result
    }

    /// A JSON string literal.
    static func quoted(_ text: String) -> String {
        // Most text needs no escaping: copied whole rather than scalar by scalar (this runs per field per event).
        if !text.utf8.contains(where: { $0 == 0x22 || $0 == 0x5c || $0 < 0x20 }) { return "\"" + text + "\"" }
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20: result += String(format: "\\u%04x", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    /// Empty strings as NULL.
    static func text(_ value: String) -> PostgresValue { value.isEmpty ? .null : .text(value) }
}
