import Foundation
import SwiftProtobuf

/// Keeps `Protos/` from changing in ways that break consumers of events already written: the descriptors of the
/// `.proto` files are compared with a snapshot committed beside them, and fields may be added but not removed
/// without `reserved`, renumbered, renamed, or changed in type or cardinality; enum values may not be removed; a
/// message a topic carries may not go. `bizflow topology check` runs it; `--accept-schema` records a new snapshot.
public enum SchemaGuard {
    /// The snapshot's file name, in the proto directory.
    public static let snapshotName = "schema-snapshot.txtpb"

    /// The breaking changes from `old` to `new`; `carried` names the messages topics carry (`ce_type`s).
    public static func breakingChanges(
        from old: Google_Protobuf_FileDescriptorSet, to new: Google_Protobuf_FileDescriptorSet, carried: Set<String>
    ) -> [SchemaChange] {
        let newMessages = messages(new)
        let newEnums = enums(new)
        var changes: [SchemaChange] = []
        for (name, (file, message)) in messages(old).sorted(by: { $0.key < $1.key }) {
            guard let (_, current) = newMessages[name] else {
                if carried.contains(name) {
                    changes.append(SchemaChange(file: file, type: name, member: "", problem: "removed, but a topic carries it"))
                }
                continue
            }
            changes += fieldChanges(file, name, message, current)
        }
        for (name, (file, type)) in enums(old).sorted(by: { $0.key < $1.key }) {
            guard let (_, current) = newEnums[name] else { continue }  // a removed enum shows as its fields' type change
            for value in type.value where !current.value.contains(where: { $0.number == value.number }) {
                let reserved = current.reservedRange.contains { $0.start <= value.number && value.number <= $0.end }
                    || current.reservedName.contains(value.name)
                if !reserved {
                    changes.append(SchemaChange(
                        file: file, type: name, member: "\(value.name) (\(value.number))",
                        problem: "value removed: readers of events that carry it would see an unknown value; reserve it instead"))
                }
            }
        }
        return changes
    }

    private static func fieldChanges(
        _ file: String, _ name: String, _ old: Google_Protobuf_DescriptorProto, _ new: Google_Protobuf_DescriptorProto
    ) -> [SchemaChange] {
        var changes: [SchemaChange] = []
        func add(_ field: Google_Protobuf_FieldDescriptorProto, _ problem: String) {
            changes.append(SchemaChange(file: file, type: name, member: "\(field.name) (\(field.number))", problem: problem))
        }
        for field in old.field {
            guard let current = new.field.first(where: { $0.number == field.number }) else {
                if let moved = new.field.first(where: { $0.name == field.name }) {
                    add(field, "renumbered to \(moved.number): every event written before reads it as an unknown field")
                } else if !(new.reservedRange.contains { $0.start <= field.number && field.number < $0.end }) {
                    add(field, "removed without `reserved \(field.number);`: a later field could take its number")
                }
                continue
            }
            if current.name != field.name {
                add(field, "renamed to \(current.name): the JSON the gateway and the CLI read and print changes")
            }
            if current.type != field.type || current.typeName != field.typeName {
                add(field, "type changed from \(typeName(field)) to \(typeName(current))")
            }
            if current.label != field.label || current.proto3Optional != field.proto3Optional {
                add(field, "cardinality changed from \(cardinality(field)) to \(cardinality(current))")
            }
        }
        return changes
    }

    private static func typeName(_ field: Google_Protobuf_FieldDescriptorProto) -> String {
        field.typeName.isEmpty ? "\(field.type)".replacingOccurrences(of: "type", with: "") : field.typeName
    }

    private static func cardinality(_ field: Google_Protobuf_FieldDescriptorProto) -> String {
        field.label == .repeated ? "repeated" : field.proto3Optional ? "optional" : "singular"
    }

    /// Every message of the set by full name (nested ones too), with its file.
    static func messages(_ set: Google_Protobuf_FileDescriptorSet) -> [String: (String, Google_Protobuf_DescriptorProto)] {
        var result: [String: (String, Google_Protobuf_DescriptorProto)] = [:]
        func add(_ file: String, _ prefix: String, _ message: Google_Protobuf_DescriptorProto) {
            let name = prefix + message.name
            result[name] = (file, message)
            for nested in message.nestedType { add(file, name + ".", nested) }
        }
        for file in set.file { for message in file.messageType { add(file.name, file.package + ".", message) } }
        return result
    }

    /// Every enum of the set by full name, with its file.
    static func enums(_ set: Google_Protobuf_FileDescriptorSet) -> [String: (String, Google_Protobuf_EnumDescriptorProto)] {
        var result: [String: (String, Google_Protobuf_EnumDescriptorProto)] = [:]
        func add(_ file: String, _ prefix: String, _ message: Google_Protobuf_DescriptorProto) {
            for type in message.enumType { result[prefix + message.name + "." + type.name] = (file, type) }
            for nested in message.nestedType { add(file, prefix + message.name + ".", nested) }
        }
        for file in set.file {
            for type in file.enumType { result[file.package + "." + type.name] = (file.name, type) }
            for message in file.messageType { add(file.name, file.package + ".", message) }
        }
        return result
    }
}
