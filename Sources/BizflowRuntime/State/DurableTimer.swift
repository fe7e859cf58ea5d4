import Foundation

/// A future event for a key, kept in the partition's state (and so in its changelog): it survives restarts and
/// fires through the same transactional path as input events.
public struct DurableTimer: Codable, Sendable, Equatable {
    static let store = "__timers"

    /// Unique per key and purpose, e.g. "nurture-step-2"; scheduling the same id again replaces the timer.
    public var name: String
    public var key: String
    /// Due time, seconds since 1970 on the tier's clock.
    public var due: Double
    /// Whatever the tier needs when it fires.
    public var payload: [String: String]
    public var tenantID: String
    public var correlationID: String

    public init(
        name: String, key: String, due: Date, payload: [String: String] = [:], tenantID: String,
        correlationID: String = ""
    ) {
        self.name = name
        self.key = key
        self.due = due.timeIntervalSince1970
        self.payload = payload
        self.tenantID = tenantID
        self.correlationID = correlationID
    }

    public var id: String { "\(key)/\(name)" }
    public var dueDate: Date { Date(timeIntervalSince1970: due) }

    var bytes: [UInt8] { (try? StateEncoder().encode(self)) ?? [] }

    init?(bytes: [UInt8]) {
        guard let timer = try? StateDecoder().decode(DurableTimer.self, from: bytes) else { return nil }
        self = timer
    }
}
