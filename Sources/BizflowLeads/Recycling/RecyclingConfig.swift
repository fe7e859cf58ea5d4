import BizflowConfig
import BizflowEvents

/// When a stalled lead goes back into the funnel, and where (`Topology/recycling.yaml`).
public struct RecyclingConfig: CheckedConfiguration, Codable, Sendable, Equatable {
    /// Where a recycled lead goes.
    public enum Action: String, Codable, Sendable {
        case reassign, nurture

        var event: RecycleAction { self == .reassign ? .reassign : .nurture }
    }

    /// Assigned and not contacted (no reply, no meeting) for `afterHours`.
    public struct Uncontacted: Codable, Sendable, Equatable {
        public var afterHours: Double
        public var action: Action

        enum CodingKeys: String, CodingKey {
            case afterHours = "after_hours"
            case action
        }
    }

    /// Scored cold, and no warmer since, for `afterDays`.
    public struct Cold: Codable, Sendable, Equatable {
        public var afterDays: Double
        public var action: Action

        enum CodingKeys: String, CodingKey {
            case afterDays = "after_days"
            case action
        }
    }

    /// Absent: the rule is off.
    public var uncontacted: Uncontacted?
    public var cold: Cold?

    public init(uncontacted: Uncontacted? = nil, cold: Cold? = nil) {
        self.uncontacted = uncontacted
        self.cold = cold
    }

    /// Loads and checks `path`.
    public static func load(path: String) throws -> RecyclingConfig {
        try ConfigFile.loadChecked(RecyclingConfig.self, path: path)
    }

    /// What makes the configuration unusable (empty when it is fine).
    public func problems() -> [String] {
        var problems: [String] = []
        if let uncontacted, !(uncontacted.afterHours > 0) { problems.append("uncontacted.after_hours must be more than 0") }
        if let cold, !(cold.afterDays > 0) { problems.append("cold.after_days must be more than 0") }
        return problems
    }
}
