/// How long the simulated carrier takes with a parcel, in hours on the tiers' clock: each shipment takes a transit time
/// from `transitHours` (seeded by its id), half of it until it is in transit and the rest until it is delivered.
/// `clockSpeed` is how much faster than real time the tiers' clock runs, so the driver knows how long to wait.
public struct CarrierTiming: Sendable {
    public var transitHours: ClosedRange<Double>
    public var clockSpeed: Double

    public init(transitHours: ClosedRange<Double>, clockSpeed: Double) {
        self.transitHours = transitHours
        self.clockSpeed = clockSpeed
    }

    /// Shipped, in transit and delivered at once (what fault runs use: they check outcomes, not latencies).
    public static let immediate = CarrierTiming(transitHours: 0...0, clockSpeed: 1)

    /// The transit time of `shipment`, in hours of the tiers' clock.
    func transit(of shipment: String) -> Double {
        guard transitHours.upperBound > transitHours.lowerBound else { return transitHours.lowerBound }
        var random = SeededRandom(shipment.utf8.reduce(UInt64(14_695_981_039_346_656_037)) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 })
        let fraction = Double(random.next() % 10_000) / 10_000
        return transitHours.lowerBound + fraction * (transitHours.upperBound - transitHours.lowerBound)
    }

    /// Real time for `hours` of the tiers' clock.
    func realDuration(hours: Double) -> Duration { .milliseconds(Int64(hours * 3_600_000 / clockSpeed)) }
}
