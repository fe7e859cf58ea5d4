import BizflowEvents

/// Pure rep selection for one lead under one strategy.
public struct RepSelector: Sendable {
    public let reps: [Rep]
    public let weights: AssignmentConfig.HybridWeights
    /// Partitions of the lead topics: each partition's state holds a share of every rep's capacity.
    public let partitions: Int

    public init(reps: [Rep], weights: AssignmentConfig.HybridWeights, partitions: Int) {
        self.reps = reps
        self.weights = weights
        self.partitions = max(1, partitions)
    }

    /// A rep's capacity within one partition (rounded up, at least 1).
    public func capacityShare(_ rep: Rep) -> Int { max(1, (rep.capacity + partitions - 1) / partitions) }

    public struct Choice: Equatable, Sendable {
        public var rep: Rep
        public var reason: String
        /// The round-robin cursor after this choice.
        public var cursor: Int
    }

    /// The rep for `lead`, or nil when no active rep with room fits the strategy.
    public func choose(
        _ strategy: AssignmentStrategy, for lead: LeadCaptured, workload: [String: Int], cursor: Int,
        excluding: Set<String> = []
    ) -> Choice? {
        let eligible = reps.enumerated().filter { _, rep in
            rep.active && !excluding.contains(rep.id) && workload[rep.id, default: 0] < capacityShare(rep)
        }
        guard !eligible.isEmpty else { return nil }
        func load(_ rep: Rep) -> Double { Double(workload[rep.id, default: 0]) / Double(capacityShare(rep)) }
        func best(_ candidates: [(offset: Int, element: Rep)], by score: (Rep) -> Double) -> Rep? {
            candidates.max { a, b in
                let (sa, sb) = (score(a.element), score(b.element))
                if sa != sb { return sa < sb }
                if load(a.element) != load(b.element) { return load(a.element) > load(b.element) }
                return a.element.id > b.element.id
            }?.element
        }
        switch strategy {
        case .roundRobin:
            let start = cursor % reps.count
            for step in 0..<reps.count {
                let index = (start + step) % reps.count
                if let match = eligible.first(where: { $0.offset == index }) {
                    return Choice(rep: match.element, reason: "next in rotation", cursor: index + 1)
                }
            }
            return nil
        case .skill:
            let matching = eligible.filter { skillMatch($0.element, lead) > 0 }
            return best(matching) { skillMatch($0, lead) }.map {
                Choice(rep: $0, reason: "skills cover \(needs(lead).joined(separator: ", "))", cursor: cursor)
            }
        case .territory:
            let matching = eligible.filter { covers($0.element, lead) }
            return best(matching) { _ in 0 }.map {
                Choice(rep: $0, reason: "territory covers \(lead.country.isEmpty ? lead.region : lead.country)", cursor: cursor)
            }
        case .workload:
            return best(eligible) { -load($0) }.map {
                Choice(rep: $0, reason: "lowest workload (\(workload[$0.id, default: 0])/\(capacityShare($0)))", cursor: cursor)
            }
        case .performance:
            return best(eligible) { $0.conversionRate }.map {
                Choice(rep: $0, reason: "best conversion rate (\($0.conversionRate))", cursor: cursor)
            }
        case .hybrid:
            let w = weights
            return best(eligible) { rep in
                w.skill * skillMatch(rep, lead) + w.territory * (covers(rep, lead) ? 1 : 0) + w.workload * (1 - load(rep))
                    + w.performance * rep.conversionRate
            }.map { Choice(rep: $0, reason: "best combined skill, territory, workload and performance", cursor: cursor) }
        }
    }

    /// What the lead needs: its industry and service requirements.
    func needs(_ lead: LeadCaptured) -> [String] {
        ([lead.industry] + lead.serviceRequirements).filter { !$0.isEmpty }.map { $0.lowercased() }
    }

    /// The share of the lead's needs the rep's skills cover (0…1).
    func skillMatch(_ rep: Rep, _ lead: LeadCaptured) -> Double {
        let needs = needs(lead)
        guard !needs.isEmpty else { return 0 }
        let skills = Set(rep.skills.map { $0.lowercased() })
        return Double(needs.filter(skills.contains).count) / Double(needs.count)
    }

    func covers(_ rep: Rep, _ lead: LeadCaptured) -> Bool {
        rep.territories.contains { $0 == lead.country || (!lead.region.isEmpty && $0 == lead.region) || $0 == "*" }
    }
}
