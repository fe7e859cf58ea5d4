/// How a tier's effects reach Kafka.
public enum DeliveryMode: String, Sendable, CaseIterable {
    /// Outputs, state changelog and offsets in one Kafka transaction (the default).
    case exactlyOnce = "exactly-once"
    /// Idempotent producer, offsets committed after the outputs are acknowledged: faster, may repeat on a crash.
    case atLeastOnce = "at-least-once"
}
