import Foundation

/// A POST's recorded outcome: delivered with its status, or refused (a 4xx other than 408 and 429) with why.
public struct WebhookResult: Sendable {
    public var delivered = false
    public var status = 0
    public var error = ""
    /// The attempt that got this answer (1: the first).
    public var attempts: Int
    public var at: Date
}
