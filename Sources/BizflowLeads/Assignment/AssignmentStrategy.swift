/// How a rep is chosen for a lead.
public enum AssignmentStrategy: String, Codable, Sendable, CaseIterable {
    case roundRobin = "round_robin"
    /// Reps whose skills cover the lead's industry and service needs.
    case skill
    /// Reps whose territory covers the lead's country or region.
    case territory
    /// The rep with the lowest open leads relative to capacity.
    case workload
    /// The rep with the best conversion rate.
    case performance
    /// A weighted combination of skill, territory, workload and performance.
    case hybrid
}
