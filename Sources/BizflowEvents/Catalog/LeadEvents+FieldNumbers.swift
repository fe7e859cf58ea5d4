// Field numbers from leads.proto of the messages a tier embeds from bytes it already holds (`Emit(embedding:)`).

extension LeadScored {
    /// `LeadCaptured lead = 13`.
    public static let leadField = 13
}

extension LeadAssigned {
    /// `LeadScored scored = 9`.
    public static let scoredField = 9
}

extension LeadUnassigned {
    /// `LeadScored scored = 4`.
    public static let scoredField = 4
}
