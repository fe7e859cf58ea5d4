/// One consumer-group member of this process: its group and the process slot (instance id) running it.
public struct MemberKey: Hashable, Comparable, Sendable {
    public var group: String
    public var instance: String

    public init(group: String, instance: String) {
        self.group = group
        self.instance = instance
    }

    /// The status topic's record key: one record per group and instance, so compaction keeps the latest.
    public var recordKey: String { "\(group)/\(instance)" }

    public static func < (lhs: MemberKey, rhs: MemberKey) -> Bool { lhs.recordKey < rhs.recordKey }
}
