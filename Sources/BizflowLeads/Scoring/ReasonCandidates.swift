/// The factors of one score before the top ones are chosen, held inline (no allocation per lead): their details are
/// only written for the reasons kept.
struct ReasonCandidates {
    /// What a reason's detail says, written from the lead's bytes when the reason is kept.
    enum Detail {
        case text(Range<Int>)
        case count(Int, StaticString)
        case budget
        case timeline
        case services
    }

    struct Candidate {
        var component: StaticString
        var factor: StaticString
        var points: Int
        var detail: Detail
    }

    /// Every factor the scorer has (13), with room to spare.
    private var items = InlineArray<16, Candidate>(repeating: Candidate(component: "", factor: "", points: 0, detail: .budget))
    private(set) var count = 0

    subscript(index: Int) -> Candidate { items[index] }

    mutating func append(_ candidate: Candidate) {
        items[count] = candidate
        count += 1
    }

    /// Highest points first, ties by factor name descending (as the reasons have always been ordered).
    mutating func sortByPointsThenFactor() {
        guard count > 1 else { return }
        for index in 1..<count {
            let candidate = items[index]
            var position = index
            while position > 0 && Self.precedes(candidate, items[position - 1]) {
                items[position] = items[position - 1]
                position -= 1
            }
            items[position] = candidate
        }
    }

    private static func precedes(_ a: Candidate, _ b: Candidate) -> Bool {
        if a.points != b.points { return a.points > b.points }
        let x = UnsafeBufferPointer(start: a.factor.utf8Start, count: a.factor.utf8CodeUnitCount)
        let y = UnsafeBufferPointer(start: b.factor.utf8Start, count: b.factor.utf8CodeUnitCount)
        return y.lexicographicallyPrecedes(x)
    }
}
