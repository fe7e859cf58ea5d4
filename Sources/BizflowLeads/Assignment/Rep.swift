/// A sales rep who can be assigned leads (`Topology/reps.yaml`).
public struct Rep: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var team: String
    /// Industries and services the rep knows.
    public var skills: [String]
    /// Countries (ISO codes) or regions the rep covers.
    public var territories: [String]
    /// Open leads the rep can hold at once.
    public var capacity: Int
    public var active: Bool
    /// Share of the rep's leads that converted (0…1).
    public var conversionRate: Double

    enum CodingKeys: String, CodingKey {
        case id, name, team, skills, territories, capacity, active
        case conversionRate = "conversion_rate"
    }

    public init(
        id: String, name: String, team: String = "", skills: [String] = [], territories: [String] = [],
        capacity: Int = 10, active: Bool = true, conversionRate: Double = 0.2
    ) {
        self.id = id
        self.name = name
        self.team = team
        self.skills = skills
        self.territories = territories
        self.capacity = capacity
        self.active = active
        self.conversionRate = conversionRate
    }
}
