import BizflowProtosC
import Foundation

/// Checks a JSON body against a message's schema (its protobuf-c descriptor, generated from the same `.proto`
/// files) and lists every problem: unknown fields, wrong types, numbers out of range, unknown enum names, malformed
/// timestamps. Fields in `forbidden` (e.g. `tenant_id`, which comes from the API key) are refused with a reason.
struct ProtoJSONValidator {
    let forbidden: [String: String]

    func problems(_ value: JSONValue, _ descriptor: UnsafePointer<ProtobufCMessageDescriptor>, path: String = "") -> [FieldProblem] {
        guard case .object(let members) = value else {
            return [FieldProblem(path, "must be a JSON object, not \(value.kind)")]
        }
        var problems: [FieldProblem] = []
        for (key, member) in members.sorted(by: { $0.key < $1.key }) {
            let fieldPath = path.isEmpty ? key : "\(path).\(key)"
            if path.isEmpty, let reason = forbidden[key] {
                problems.append(FieldProblem(fieldPath, reason))
                continue
            }
            guard let field = Self.field(named: key, in: descriptor) else {
                problems.append(FieldProblem(fieldPath, "is not a field of \(String(cString: descriptor.pointee.short_name))"))
                continue
            }
            if case .null = member { continue }  // proto3 JSON: null means the default
            if field.label == PROTOBUF_C_LABEL_REPEATED {
                guard case .array(let elements) = member else {
                    problems.append(FieldProblem(fieldPath, "must be an array, not \(member.kind)"))
                    continue
                }
                for (index, element) in elements.enumerated() {
                    problems += check(element, field, path: "\(fieldPath)[\(index)]")
                }
            } else {
                problems += check(member, field, path: fieldPath)
            }
        }
        return problems
    }

    private func check(_ value: JSONValue, _ field: ProtobufCFieldDescriptor, path: String) -> [FieldProblem] {
        func problem(_ text: String) -> [FieldProblem] { [FieldProblem(path, text)] }
        switch field.type {
        case PROTOBUF_C_TYPE_STRING:
            if case .string = value { return [] }
            return problem("must be a string, not \(value.kind)")
        case PROTOBUF_C_TYPE_BOOL:
            if case .bool = value { return [] }
            return problem("must be true or false, not \(value.kind)")
        case PROTOBUF_C_TYPE_INT32, PROTOBUF_C_TYPE_SINT32, PROTOBUF_C_TYPE_SFIXED32:
            return integer(value, Int64(Int32.min)...Int64(Int32.max), path)
        case PROTOBUF_C_TYPE_UINT32, PROTOBUF_C_TYPE_FIXED32:
            return integer(value, 0...Int64(UInt32.max), path)
        case PROTOBUF_C_TYPE_INT64, PROTOBUF_C_TYPE_SINT64, PROTOBUF_C_TYPE_SFIXED64, PROTOBUF_C_TYPE_UINT64,
            PROTOBUF_C_TYPE_FIXED64:
            return integer(value, Int64.min...Int64.max, path)
        case PROTOBUF_C_TYPE_DOUBLE, PROTOBUF_C_TYPE_FLOAT:
            switch value {
            case .integer, .number: return []
            default: return problem("must be a number, not \(value.kind)")
            }
        case PROTOBUF_C_TYPE_ENUM:
            let descriptor = field.descriptor.assumingMemoryBound(to: ProtobufCEnumDescriptor.self)
            let names = (0..<Int(descriptor.pointee.n_values)).map { String(cString: descriptor.pointee.values[$0].name) }
            if case .string(let name) = value, names.contains(name) { return [] }
            return problem("must be one of \(names.dropFirst().joined(separator: ", "))")
        case PROTOBUF_C_TYPE_BYTES:
            if case .string(let text) = value, Data(base64Encoded: text) != nil { return [] }
            return problem("must be base64 text")
        case PROTOBUF_C_TYPE_MESSAGE:
            let descriptor = field.descriptor.assumingMemoryBound(to: ProtobufCMessageDescriptor.self)
            if String(cString: descriptor.pointee.name) == "google.protobuf.Timestamp" {
                if case .string(let text) = value, Self.isTimestamp(text) { return [] }
                return problem("must be an RFC 3339 time such as 2026-11-24T10:00:00Z")
            }
            return problems(value, descriptor, path: path)
        default:
            return problem("has a type the gateway cannot check")
        }
    }

    /// proto3 JSON integers: a whole number, or a string of one (64-bit values usually come as strings).
    private func integer(_ value: JSONValue, _ range: ClosedRange<Int64>, _ path: String) -> [FieldProblem] {
        let number: Int64?
        switch value {
        case .integer(let n): number = n
        case .string(let text): number = Int64(text)
        case .number(let d): number = d.rounded() == d && abs(d) < 9.2e18 ? Int64(d) : nil
        default: number = nil
        }
        guard let number else { return [FieldProblem(path, "must be a whole number, not \(value.kind)")] }
        guard range.contains(number) else { return [FieldProblem(path, "must be between \(range.lowerBound) and \(range.upperBound)")] }
        return []
    }

    /// A field by its proto name or its lowerCamelCase JSON name.
    static func field(named name: String, in descriptor: UnsafePointer<ProtobufCMessageDescriptor>) -> ProtobufCFieldDescriptor? {
        for index in 0..<Int(descriptor.pointee.n_fields) {
            let field = descriptor.pointee.fields[index]
            let proto = String(cString: field.name)
            if proto == name || camelCase(proto) == name { return field }
        }
        return nil
    }

    static func camelCase(_ name: String) -> String {
        var result = ""
        var upper = false
        for character in name {
            if character == "_" {
                upper = true
            } else {
                result.append(upper ? Character(character.uppercased()) : character)
                upper = false
            }
        }
        return result
    }

    static func isTimestamp(_ text: String) -> Bool {
        (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)) != nil
            || (try? Date.ISO8601FormatStyle().parse(text)) != nil
    }
}
