import BizflowKafka
import Foundation
import Synchronization

/// The time a tier sees: the system clock in production, a faster or hand-driven one in tests and the demo.
public protocol TierClock: Sendable {
    func now() -> Date
}

/// Wall-clock time.
public struct SystemClock: TierClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// Time that runs `speed` times faster than the wall clock from `start` (the demo runs days in minutes).
public struct AcceleratedClock: TierClock {
    public let start: Date
    public let speed: Double
    private let origin = ContinuousClock.now

    public init(start: Date = Date(), speed: Double) {
        self.start = start
        self.speed = speed
    }

    public func now() -> Date {
        start.addingTimeInterval((ContinuousClock.now - origin).seconds * speed)
    }
}

/// Time that moves only when told to (tests).
public final class ManualClock: TierClock {
    private let current: Mutex<Date>

    public init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) { current = Mutex(start) }

    public func now() -> Date { current.withLock { $0 } }

    public func advance(by seconds: TimeInterval) { current.withLock { $0.addTimeInterval(seconds) } }
}
