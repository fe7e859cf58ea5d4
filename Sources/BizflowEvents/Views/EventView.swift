/// An event read in place from its encoding, for the hot path: where its key and tenant are, without decoding it.
/// An event type with a view is handed to tiers undecoded; the view's initializer returns nil for bytes it leaves to
/// swift-protobuf, and every view is tested to read only what swift-protobuf decodes.
public protocol EventView {
    init?(_ bytes: UnsafeRawBufferPointer)
    /// The event's own key (`DomainEvent.eventKey`) in the bytes.
    var keyRange: Range<Int> { get }
    var tenantRange: Range<Int> { get }
}

extension LeadCapturedView: EventView {
    public var keyRange: Range<Int> { leadID }
    public var tenantRange: Range<Int> { tenantID }
}
