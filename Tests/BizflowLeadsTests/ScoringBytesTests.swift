import BizflowEvents
@testable import BizflowLeads
import BizflowProtosC
import BizflowRuntime
import BizflowWorkload
import Foundation
import SwiftProtobuf
import Testing

/// The scoring tier reads, normalises and scores leads on their bytes and writes the scored event as bytes; these
/// tests prove each piece equal to swift-protobuf and to the `String` rules it replaced (`ReferenceScorer`).
@Suite("Scoring on bytes equals swift-protobuf and the String rules")
struct ScoringBytesTests {
    let config = try! shippedScoring()

    @Test("the view reads every field as swift-protobuf decodes it, over varied leads and altered encodings")
    func viewMatchesDecoding() throws {
        var random = SeededRandom(7)
        var read = 0
        for index in 0..<3_000 {
            let canonical: [UInt8] = try VariedLeads.lead(index).serializedBytes()
            #expect(canonical.withUnsafeBytes { LeadCapturedView($0) } != nil, "a swift-protobuf encoding is always readable")
            let bytes = Self.altered(canonical, &random)
            let decoded = try? LeadCaptured(serializedBytes: bytes)
            guard let fields = bytes.withUnsafeBytes({ raw in LeadCapturedView(raw).map { Self.fields($0, raw) } }) else {
                continue
            }
            read += 1
            let message = try #require(decoded, "the view read bytes swift-protobuf refuses")
            #expect(fields == Self.fields(message), "lead \(index)")
        }
        #expect(read > 2_000, "most altered encodings are read in place (\(read))")
    }

    @Test("normalising on bytes gives the String rules' lead, for random ASCII and Unicode values")
    func normalisingMatchesStrings() {
        let pieces = [
            "a", "Z", "7", "0", "@", ".", "-", " ", "\t", "+", "(", ")", "é", "É", "٣", "½", "ß", "İ", "uk", "UK", "usa",
            "Germany", "de", "00", "1", "x.com", "@B.C", "ﬃ",
        ]
        var random = SeededRandom(11)
        func text() -> String { (0..<Int(random.next() % 6)).map { _ in random.pick(pieces) }.joined() }
        for _ in 0..<20_000 {
            let input = lead {
                $0.email = text()
                $0.phone = text()
                $0.country = random.pick(["", "US", "CA", "DE", "GB", "FR", "JP"] + [text()])
                $0.industry = text()
            }
            let (expected, expectedChanged) = ReferenceScorer.normalizing(input)
            let (normalized, changed) = LeadNormalizer.normalizing(input)
            #expect(normalized == expected && changed == expectedChanged, "\(input.email)|\(input.phone)|\(input.country)|\(input.industry)")
        }
    }

    @Test("the scored event written as bytes is the reference scorer's, byte for byte, with any activity")
    func scoringMatchesReference() throws {
        var random = SeededRandom(3)
        let scorer = LeadScorer(config: config)
        let reference = ReferenceScorer(config: config)
        for index in 0..<3_000 {
            let lead = ReferenceScorer.normalizing(VariedLeads.lead(index)).lead
            var activity = LeadScorer.Activity()
            if index % 3 == 0 {
                (activity.opens, activity.clicks, activity.replies) = (Int(random.next() % 4), Int(random.next() % 3), Int(random.next() % 2))
                (activity.meetings, activity.visits, activity.downloads) = (Int(random.next() % 2), Int(random.next() % 9), Int(random.next() % 3))
            }
            let expected = reference.score(lead, activity: activity)
            let scored = scorer.score(lead, activity: activity)
            #expect(scored == expected, "lead \(index)")
            #expect(try scored.serializedBytes() as [UInt8] == expected.serializedBytes(), "lead \(index) as bytes")
        }
    }

    @Test("the tier's scored events, overridden ones too, are the reference's bytes, and protobuf-c reads them")
    func tierMatchesReference() async throws {
        let tier = ScoringTier(config: config)
        let reference = ReferenceScorer(config: config)
        let now = Date(timeIntervalSince1970: 1_800_000_000.25)
        var state = TierState.detached()
        for index in 0..<500 {
            let raw = VariedLeads.lead(index)
            let payload: [UInt8] = try raw.serializedBytes()
            let input = InboundEvent(
                envelope: EventEnvelope(source: "test", type: LeadCaptured.eventType, tenantID: "acme"), event: raw,
                topic: "leads.captured", partition: 0, offset: Int64(index), key: raw.leadID, payload: payload)
            let emits = try await tier.handle(input, state: &state, now: now)
            let encoded = try #require(emits.first?.encoded)
            var expected = reference.score(ReferenceScorer.normalizing(raw).lead)
            expected.scoredAt = Google_Protobuf_Timestamp(date: now)
            #expect(encoded == Self.embedded(expected), "lead \(index)")
            #expect(emits.first?.key == raw.leadID)
            #expect(Self.protobufCReads(encoded, leadID: raw.leadID))
        }
        // A person's override goes first among the reasons, sets total and band, and sticks.
        let raw = VariedLeads.lead(4)
        let command = ScoreOverride.with {
            $0.leadID = raw.leadID
            $0.tenantID = "acme"
            $0.score = 91
            $0.actor = "maria"
            $0.reason = "CEO referral"
        }
        let input = InboundEvent(
            envelope: EventEnvelope(source: "test", type: ScoreOverride.eventType, tenantID: "acme"), event: command,
            topic: "leads.commands", partition: 0, offset: 1, key: raw.leadID)
        let overridden = try #require(try await tier.handle(input, state: &state, now: now).first?.encoded)
        var expected = reference.score(ReferenceScorer.normalizing(raw).lead)
        expected.scoredAt = Google_Protobuf_Timestamp(date: now)
        expected.total = 91
        expected.band = .hot
        expected.overridden = true
        expected.reasons.insert(ScoreReason.with {
            $0.component = "override"
            $0.factor = "maria"
            $0.points = 91
            $0.detail = "CEO referral"
        }, at: 0)
        #expect(overridden == Self.embedded(expected))
    }

    /// A scored event as the tier writes it: every field but the lead, then the lead appended.
    static func embedded(_ scored: LeadScored) -> [UInt8] {
        var rest = scored
        rest.clearLead()
        var writer = WireWriter()
        writer.bytes = (try? rest.serializedBytes()) ?? []
        writer.bytes(LeadScored.leadField, (try? scored.lead.serializedBytes()) ?? [])
        return writer.bytes
    }

    static func protobufCReads(_ bytes: [UInt8], leadID: String) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            guard let scored = bizflow__leads__v1__lead_scored__unpack(nil, buffer.count, buffer.baseAddress) else { return false }
            defer { bizflow__leads__v1__lead_scored__free_unpacked(scored, nil) }
            return String(cString: scored.pointee.lead.pointee.lead_id) == leadID && scored.pointee.scored_at != nil
        }
    }

    /// A lead's fields as the view reads them, as text.
    static func fields(_ view: LeadCapturedView, _ raw: UnsafeRawBufferPointer) -> [String] {
        func s(_ range: Range<Int>) -> String { ASCIIText.string(raw, range) }
        var services: [String] = []
        view.services(in: raw) { services.append(s($0)) }
        let captured = view.capturedAt.map { range in
            (try? Google_Protobuf_Timestamp(serializedBytes: Array(raw[range]))).map { "\($0.seconds).\($0.nanos)" } ?? "?"
        }
        return [
            s(view.leadID), s(view.tenantID), s(view.email), s(view.phone), s(view.firstName), s(view.lastName),
            s(view.companyName), "\(view.companySize)", s(view.industry), s(view.jobTitle), s(view.country), s(view.region),
            s(view.city), "\(view.source)", view.budget == nil ? "-" : "\(view.budgetAmountMinor) \(s(view.budgetCurrency))",
            "\(view.timeline)", services.joined(separator: "|"), "\(view.websiteVisits)", "\(view.emailOpens)",
            "\(view.contentDownloads)", captured ?? "-", s(view.campaignID), "\(view.marketingConsent)",
        ]
    }

    /// The same fields of a decoded message.
    static func fields(_ lead: LeadCaptured) -> [String] {
        [
            lead.leadID, lead.tenantID, lead.email, lead.phone, lead.firstName, lead.lastName, lead.companyName,
            "\(lead.companySize)", lead.industry, lead.jobTitle, lead.country, lead.region, lead.city,
            "\(lead.source.rawValue)", lead.hasBudget ? "\(lead.budget.amountMinor) \(lead.budget.currency)" : "-",
            "\(lead.timeline.rawValue)", lead.serviceRequirements.joined(separator: "|"), "\(lead.websiteVisits)",
            "\(lead.emailOpens)", "\(lead.contentDownloads)",
            lead.hasCapturedAt ? "\(lead.capturedAt.seconds).\(lead.capturedAt.nanos)" : "-", lead.campaignID,
            "\(lead.marketingConsent.rawValue)",
        ]
    }

    /// An encoding changed the ways other writers and later schema versions change one: unknown fields of every wire
    /// type (a group among them), a field given again, an explicit default, a message field twice, a field out of
    /// order, a known field with another wire type, bytes that are not UTF-8, a cut.
    static func altered(_ bytes: [UInt8], _ random: inout SeededRandom) -> [UInt8] {
        var writer = WireWriter()
        writer.bytes = bytes
        switch random.next() % 12 {
        case 0: writer.tag(50, 0); writer.varint(random.next())
        case 1: writer.tag(51, 5); writer.bytes += [1, 2, 3, 4]
        case 2: writer.tag(52, 1); writer.bytes += [1, 2, 3, 4, 5, 6, 7, 8]
        case 3: writer.string(53, "a later field")
        case 4: writer.tag(54, 3); writer.tag(1, 0); writer.varint(5); writer.tag(54, 4)  // a group
        case 5: writer.string(3, "Second@Example.com")  // the last one wins
        case 6: writer.tag(8, 0); writer.varint(0)  // company_size = 0, written
        case 7: writer.message(15) { $0.int64(1, 42) }  // a second budget: messages merge
        case 8: writer.bytes = [0x40, 0x05] + bytes  // company_size (8) before lead_id: out of order
        case 9: writer.tag(3, 0); writer.varint(1)  // email as a varint
        case 10: writer.bytes(10, [0xC3, 0x28])  // job_title that is not UTF-8
        default: writer.bytes = Array(bytes.prefix(Int(random.next() % UInt64(bytes.count + 1))))
        }
        return writer.bytes
    }
}
