/// An event emitted without a topic whose type no single topic the tier produces carries.
struct UnroutedEmit: Error, CustomStringConvertible {
    var type: String

    var description: String {
        "it emitted \(type) without a topic, and not exactly one of the topics the tier produces carries it: list the type under one topic of the tier's produces in topology.yaml, or name the topic in the Emit"
    }
}
