/// A person's override of a lead's score (`ScoreOverride`), kept in the scoring tier's state so later re-scores keep it.
struct ScoreOverrideEntry: Codable, Equatable {
    var score: Int
    /// A `QualificationBand` value.
    var band: Int
    var actor: String
    var reason: String
}
