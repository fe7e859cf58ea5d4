/// Why a record is not a valid Bizflow event. `errorClass` is what dead-letter headers record.
public enum EventError: Error, Equatable, Sendable, CustomStringConvertible {
    case missingHeader(String)
    case invalidHeader(String, String)
    case unknownType(String)
    case undecodable(type: String, reason: String)
    case invalidJSON(type: String, reason: String)
    case invalidEvent(type: String, problems: [String])
    /// The record's key is not the event's own key (or it has none): processed under it, the event would land in
    /// the wrong partition, beside another key's state.
    case keyMismatch(type: String, field: String, recordKey: String?, eventKey: String)

    /// A stable, machine-readable class for DLQ headers and metrics.
    public var errorClass: String {
        switch self {
        case .missingHeader, .invalidHeader: return "invalid_envelope"
        case .unknownType: return "unknown_event_type"
        case .undecodable: return "undecodable"
        case .invalidJSON: return "invalid_json"
        case .invalidEvent: return "validation_failed"
        case .keyMismatch: return "key_mismatch"
        }
    }

    public var description: String {
        switch self {
        case .missingHeader(let name):
            return "header \(name) is missing: every event needs the CloudEvents headers (see README, Events)"
        case .invalidHeader(let name, let reason):
            return "header \(name) is invalid: \(reason)"
        case .unknownType(let type):
            return "unknown event type \(type): `bizflow produce --list` shows the known ones"
        case .undecodable(let type, let reason):
            return "the payload is not a valid \(type) protobuf message: \(reason)"
        case .invalidJSON(let type, let reason):
            return "the JSON is not a valid \(type): \(reason)"
        case .invalidEvent(let type, let problems):
            return "invalid \(type): \(problems.joined(separator: "; "))"
        case .keyMismatch(let type, let field, let recordKey, let eventKey):
            let record = recordKey.map { "the record key \($0.debugDescription)" } ?? "a record without a key"
            return "\(record) is not the \(type)'s \(field) \(eventKey.debugDescription): key the record by it (the README's Events section)"
        }
    }
}
