import Foundation

/// The CloudEvents (Kafka binding, binary mode) headers of a Bizflow event, written and read by this one type.
public struct EventEnvelope: Sendable, Equatable {
    public static let specVersion = "1.0"
    public static let contentType = "application/protobuf"

    /// Unique event id (`ce_id`); consumers deduplicate on it.
    public var id: String
    /// Who produced it (`ce_source`), e.g. `bizflow/cli`.
    public var source: String
    /// The protobuf message's full name (`ce_type`), e.g. `bizflow.leads.v1.LeadCaptured`.
    public var type: String
    /// When it happened (`ce_time`).
    public var time: Date
    public var tenantID: String
    /// The id shared by every event of one business flow.
    public var correlationID: String
    /// The id of the event that caused this one (empty for external inputs).
    public var causationID: String
    /// W3C trace context, if any.
    public var traceparent: String?

    public init(
        id: String = EventEnvelope.newID(), source: String, type: String, time: Date = Date(),
        tenantID: String, correlationID: String? = nil, causationID: String = "", traceparent: String? = nil
    ) {
        self.id = id
        self.source = source
        self.type = type
        self.time = time
        self.tenantID = tenantID
        self.correlationID = correlationID ?? id
        self.causationID = causationID
        self.traceparent = traceparent
    }

    /// The envelope of an event caused by this one: same tenant, correlation and trace.
    public func caused(type: String, source: String, time: Date = Date(), id: String? = nil) -> EventEnvelope {
        EventEnvelope(
            id: id ?? Self.newID(), source: source, type: type, time: time, tenantID: tenantID,
            correlationID: correlationID, causationID: self.id, traceparent: traceparent)
    }

    /// Header names, as on the wire.
    public enum Header {
        public static let specversion = "ce_specversion"
        public static let id = "ce_id"
        public static let source = "ce_source"
        public static let type = "ce_type"
        public static let time = "ce_time"
        public static let contentType = "content-type"
        public static let tenantID = "ce_tenantid"
        public static let correlationID = "ce_correlationid"
        public static let causationID = "ce_causationid"
        public static let traceparent = "traceparent"
    }

    /// Headers whose values repeat from record to record (a reader can keep one string per distinct value).
    public static let repeatingHeaders: Set<String> = [Header.specversion, Header.source, Header.type, Header.contentType]

    /// The headers to put on the Kafka record.
    public var headers: [(key: String, value: [UInt8])] { headers { (key: $0, value: Array($1.utf8)) } }

    /// The headers to put on the Kafka record as text, each made by `make` (one array, no byte copies: this runs for
    /// every produced event); `formattedTime` is `time` formatted already (events of a batch share one).
    @inlinable
    public func headers<H>(formattedTime: String? = nil, _ make: (String, String) -> H) -> [H] {
        var result: [H] = []
        result.reserveCapacity(10)
        result.append(make(Header.specversion, Self.specVersion))
        result.append(make(Header.id, id))
        result.append(make(Header.source, source))
        result.append(make(Header.type, type))
        result.append(make(Header.time, formattedTime ?? Self.format(time)))
        result.append(make(Header.contentType, Self.contentType))
        result.append(make(Header.tenantID, tenantID))
        result.append(make(Header.correlationID, correlationID))
        if !causationID.isEmpty { result.append(make(Header.causationID, causationID)) }
        if let traceparent { result.append(make(Header.traceparent, traceparent)) }
        return result
    }

    /// `ce_time` text: RFC 3339, UTC, milliseconds.
    public static func format(_ date: Date) -> String { EventTime.format(date) }

    static func parseTime(_ text: String) -> Date? { EventTime.parse(text) }
}
