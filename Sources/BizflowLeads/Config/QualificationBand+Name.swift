import BizflowEvents

extension QualificationBand {
    /// The band as configuration files and reports name it: hot, warm, cold, disqualified.
    public var name: String {
        switch self {
        case .hot: return "hot"
        case .warm: return "warm"
        case .cold: return "cold"
        case .disqualified: return "disqualified"
        default: return "unspecified"
        }
    }

    /// The band a configuration name stands for (nil when it names none).
    public init?(name: String) {
        guard let band = [QualificationBand.hot, .warm, .cold, .disqualified].first(where: { $0.name == name.lowercased() })
        else { return nil }
        self = band
    }
}
