@testable import BizflowEvents
import Foundation
import Testing

@Suite("CloudEvents envelope")
struct EnvelopeTests {
    func headers(_ envelope: EventEnvelope) -> [(key: String, value: [UInt8]?)] {
        envelope.headers.map { (key: $0.key, value: Optional($0.value)) }
    }

    @Test("headers written by the envelope read back equal")
    func roundTrip() throws {
        let envelope = EventEnvelope(
            source: "bizflow/test", type: LeadCaptured.eventType, time: Date(timeIntervalSince1970: 1_790_000_000.25),
            tenantID: "acme", correlationID: "c-1", causationID: "e-0",
            traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
        let read = try EventEnvelope(headers: headers(envelope))
        #expect(read == envelope)
        let names = envelope.headers.map(\.key)
        for name in ["ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "content-type", "ce_tenantid",
                     "ce_correlationid", "ce_causationid", "traceparent"] {
            #expect(names.contains(name))
        }
    }

    @Test("every known header name finds its place and no other name does, whatever its length")
    func knownIndex() {
        for (index, name) in EventEnvelope.knownHeaders.enumerated() {
            #expect(EventEnvelope.knownIndex(name) == index, "\(name)")
            // Same length, one byte off at each end: not a known header.
            #expect(EventEnvelope.knownIndex("x" + name.dropFirst()) == nil)
            #expect(EventEnvelope.knownIndex(name.dropLast() + "x") == nil)
        }
        for name in ["", "ce_", "ce_ids", "CE_ID", "ce_tenantId", "content_type", "x-custom-header-name", "é_id"] {
            #expect(EventEnvelope.knownIndex(name) == nil, "\(name)")
        }
    }

    @Test("a caused event keeps tenant, correlation and trace, and names its cause")
    func caused() {
        let cause = EventEnvelope(source: "a", type: LeadCaptured.eventType, tenantID: "t1")
        let effect = cause.caused(type: LeadScored.eventType, source: "scoring")
        #expect(effect.tenantID == "t1")
        #expect(effect.correlationID == cause.correlationID)
        #expect(effect.causationID == cause.id)
        #expect(effect.id != cause.id)
    }

    @Test("invalid headers are rejected with the header's name", arguments: [
        ("ce_specversion", "0.3", "ce_specversion"),
        ("ce_time", "yesterday", "ce_time"),
        ("content-type", "application/json", "content-type"),
        ("ce_tenantid", "", "ce_tenantid"),
        ("traceparent", "00-xyz", "traceparent"),
        ("ce_id", nil, "ce_id"),
    ] as [(String, String?, String)])
    func invalid(header: String, value: String?, named: String) {
        let envelope = EventEnvelope(source: "s", type: LeadCaptured.eventType, tenantID: "t")
        var fields = headers(envelope).filter { $0.key != header }
        if let value { fields.append((key: header, value: Array(value.utf8))) }
        #expect {
            _ = try EventEnvelope(headers: fields)
        } throws: { error in
            guard let error = error as? EventError else { return false }
            return error.description.contains(named) && error.errorClass == "invalid_envelope"
        }
    }

    @Test("an unknown ce_type is its own error class")
    func unknownType() {
        let envelope = EventEnvelope(source: "s", type: "bizflow.nope.v1.Nothing", tenantID: "t")
        #expect(throws: EventError.unknownType("bizflow.nope.v1.Nothing")) {
            _ = try EventCatalog.decode([], envelope: envelope)
        }
    }
}

@Suite("Proto3 JSON input")
struct JSONInputTests {
    @Test("valid JSON becomes an event with its key and tenant")
    func valid() throws {
        let event = try EventCatalog.fromJSON(
            #"{"lead_id":"L1","tenant_id":"acme","email":"a@b.c","company_size":40,"source":"LEAD_SOURCE_CHAT","captured_at":"2026-01-02T03:04:05Z"}"#,
            typeName: "LeadCaptured")
        #expect(event.eventKey == "L1")
        #expect(event.tenantID == "acme")
        #expect((event as? LeadCaptured)?.source == .chat)
    }

    @Test("bad input is a clear error", arguments: [
        (#"{"lead_id": "#, "invalid_json"),
        (#"{"lead_id":"L1","tenant_id":"t","company_size":"many"}"#, "invalid_json"),
        (#"{"lead_id":"L1","tenant_id":"t","favourite_colour":"red"}"#, "invalid_json"),
        (#"{"lead_id":"L1","tenant_id":"t","source":"LEAD_SOURCE_CARRIER_PIGEON"}"#, "invalid_json"),
        (#"{"tenant_id":"t"}"#, "validation_failed"),
        (#"{"lead_id":"L1"}"#, "validation_failed"),
    ])
    func invalid(json: String, errorClass: String) {
        #expect {
            _ = try EventCatalog.fromJSON(json, typeName: LeadCaptured.eventType)
        } throws: { error in
            (error as? EventError)?.errorClass == errorClass
        }
    }

    @Test("types are found by full or short name")
    func lookup() {
        #expect(EventCatalog.type(named: "bizflow.orders.v1.OrderPlaced") == OrderPlaced.self)
        #expect(EventCatalog.type(named: "OrderPlaced") == OrderPlaced.self)
        #expect(EventCatalog.type(named: "Nope") == nil)
    }
}

@Suite("ce_time")
struct EventTimeTests {
    @Test("the fast UTC format and parse agree with Foundation, across years and leap days", arguments: [
        0.0, 951_782_400.123, 1_700_000_000.5, 1_800_000_000.999, 4_102_444_799.0, -86_400.25, 1_709_164_800.0,
    ])
    func roundTrip(seconds: Double) throws {
        let date = Date(timeIntervalSince1970: seconds)
        let text = EventTime.format(date)
        #expect(text == date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
        let parsed = try #require(EventTime.parse(text))
        #expect(abs(parsed.timeIntervalSince1970 - (seconds * 1000).rounded(.down) / 1000) < 0.0005)
    }

    @Test("offsets and variants fall back to Foundation; garbage is nil", arguments: [
        ("2026-11-23T14:00:00+01:00", 1_795_438_800.0), ("2026-11-23T13:00:00Z", 1_795_438_800.0),
        ("2026-11-23t13:00:00.5z", 1_795_438_800.5),
    ])
    func variants(text: String, expected: Double) {
        #expect(EventTime.parse(text)?.timeIntervalSince1970 == expected)
    }

    @Test("not timestamps", arguments: ["", "yesterday", "2026-13-01T00:00:00Z", "2026-11-23T25:00:00Z", "2026-11-23T13:00:00.Z"])
    func invalid(text: String) {
        #expect(EventTime.parse(text) == nil)
    }
}
