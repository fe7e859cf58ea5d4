import SwiftProtobuf

/// Every event type Bizflow knows, by `ce_type`, with JSON and binary codecs.
public enum EventCatalog {
    /// All event types, in the order of the proto files.
    /// All event types: each file of conformances lists its own (an event is registered where it gets its key).
    public static let all: [any DomainEvent.Type] = leadEvents + orderEvents + inventoryEvents

    private static let byName: [String: any DomainEvent.Type] = {
        var map: [String: any DomainEvent.Type] = [:]
        for type in all {
            map[type.eventType] = type
        }
        return map
    }()

    /// Looks up a type by its full name (`bizflow.leads.v1.LeadCaptured`) or, when unambiguous, its short name.
    public static func type(named name: String) -> (any DomainEvent.Type)? {
        if let type = byName[name] { return type }
        let matches = all.filter { $0.eventType.split(separator: ".").last.map(String.init) == name }
        return matches.count == 1 ? matches[0] : nil
    }

    /// Decodes a payload of the type its envelope names.
    public static func decode(_ bytes: [UInt8], envelope: EventEnvelope) throws(EventError) -> any DomainEvent {
        guard let type = type(named: envelope.type) else { throw .unknownType(envelope.type) }
        do {
            return try type.init(serializedBytes: bytes)
        } catch {
            throw .undecodable(type: envelope.type, reason: "\(error)")
        }
    }

    /// Parses proto3 JSON into an event of the named type; unknown fields and wrong types are errors.
    public static func fromJSON(_ json: String, typeName: String) throws(EventError) -> any DomainEvent {
        guard let type = type(named: typeName) else { throw .unknownType(typeName) }
        let event: any DomainEvent
        do {
            event = try type.init(jsonString: json)
        } catch {
            throw .invalidJSON(type: type.eventType, reason: Self.describe(error))
        }
        let problems = event.basicProblems()
        guard problems.isEmpty else { throw .invalidEvent(type: type.eventType, problems: problems) }
        return event
    }

    /// Prints an event as proto3 JSON (field names as in the .proto files).
    public static func json(_ event: any DomainEvent) -> String {
        var options = JSONEncodingOptions()
        options.preserveProtoFieldNames = true
        return (try? event.jsonString(options: options)) ?? "{}"
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case let error as JSONDecodingError:
            switch error {
            case .unrecognizedEnumValue: return "an enum field has a value that does not exist"
            case .unknownField(let name): return "unknown field \(name)"
            case .malformedNumber: return "a number field holds something that is not a number"
            case .malformedString: return "a string field holds something that is not a string"
            case .malformedBool: return "a bool field holds something that is not true or false"
            case .malformedTimestamp: return "a timestamp is not RFC 3339 (e.g. 2026-01-31T12:00:00Z)"
            case .numberRange: return "a number is out of range for its field"
            case .truncated: return "the JSON ends too early"
            default: return "\(error)"
            }
        default:
            return "\(error)"
        }
    }
}
