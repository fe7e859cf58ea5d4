import BizflowEvents
import BizflowPostgres
@testable import BizflowProjector
import BizflowTestSupport
import Foundation
import SwiftProtobuf
import Testing

@Suite("Engagement attribution to nurture messages", .enabled(if: postgresAvailable, "needs PostgreSQL: run ops/test"))
struct EngagementAttributionTests {
    let start = Date(timeIntervalSince1970: 1_790_000_000)

    func message(_ id: String, step: Int32, minutes: Double) -> NurtureMessage {
        NurtureMessage.with {
            $0.messageID = id
            $0.leadID = "L-1"
            $0.tenantID = "acme"
            $0.campaignID = "welcome"
            $0.step = step
            $0.channel = .email
            $0.createdAt = Google_Protobuf_Timestamp(date: start.addingTimeInterval(minutes * 60))
        }
    }

    func engagement(_ id: String, _ kind: EngagementKind, message: String = "") -> LeadEngagement {
        LeadEngagement.with {
            $0.engagementID = id
            $0.leadID = "L-1"
            $0.tenantID = "acme"
            $0.kind = kind
            $0.messageID = message
            $0.occurredAt = Google_Protobuf_Timestamp(date: start.addingTimeInterval(3_600))
        }
    }

    @Test("an engagement counts for the message it names, else for the lead's latest; one projected before its message counts once the message is there")
    func attribution() async throws {
        let database = try await TestDatabase.create()
        let events: [any DomainEvent] = [
            engagement("e-reply", .reply, message: "m-3"),  // before its message: attributed once m-3 arrives
            message("m-1", step: 1, minutes: 0),
            message("m-2", step: 2, minutes: 10),
            engagement("e-open", .emailOpen, message: "m-1"),
            engagement("e-click", .emailClick),  // names nothing: the latest message (m-2, until m-3 comes)
            message("m-3", step: 3, minutes: 20),
            engagement("e-convert", .converted),
        ]
        var statements: [PostgresStatement] = []
        for (index, event) in events.enumerated() {
            let envelope = EventEnvelope(
                id: "00000000-0000-0000-0000-\(String(format: "%012d", index))", source: "test", type: type(of: event).eventType,
                time: start, tenantID: "acme")
            statements += Projection.statements(for: event, envelope: envelope)
        }
        let all = statements
        try await database.connection.transaction { try $0.pipeline(all) }
        let rows = try await Analytics.run(try #require(Analytics.report(named: "campaigns")), tenant: "acme", database: database.connection)
        var byStep: [Int64: (opened: Int64, clicked: Int64, replied: Int64, converted: Int64)] = [:]
        for row in 0..<rows.count {
            byStep[rows.int(row, "step") ?? -1] = (
                rows.int(row, "opened") ?? 0, rows.int(row, "clicked") ?? 0, rows.int(row, "replied") ?? 0, rows.int(row, "converted") ?? 0
            )
        }
        #expect(byStep[1]?.opened == 1 && byStep[1]?.clicked == 0, "the open names m-1")
        #expect(byStep[3]?.replied == 1, "the reply named m-3, projected before it")
        #expect(byStep[3]?.clicked == 1 && byStep[3]?.converted == 1, "unnamed engagement goes to the lead's latest message")
        #expect(byStep[2]?.opened == 0 && byStep[2]?.clicked == 0)
        #expect(rows.count == 3 && (0..<3).allSatisfy { rows.int($0, "sent") == 1 })
        await database.connection.close()
    }
}
