@testable import BizflowCLI
import BizflowTestSupport
import Foundation
import Testing

@Suite("Training rows from the projections", .enabled(if: postgresAvailable, "needs PostgreSQL: run ops/test"))
struct ModelTrainingRowsTests {
    @Test("a converted lead's engagement counts only up to its conversion: the model learns what it can see of open leads")
    func engagementBeforeConversion() async throws {
        let database = try await TestDatabase.create()
        try await database.connection.query(
            """
            INSERT INTO leads (tenant_id, lead_id, captured_at, features, score, rules_score, converted_at, updated_at)
            VALUES ('acme', 'L-1', '2026-11-01T10:00:00Z', '{"company_size": 120, "website_visits": 2}', 60, 60,
                    '2026-11-05T10:00:00Z', '2026-11-05T10:00:00Z'),
                   ('acme', 'L-2', '2026-11-01T11:00:00Z', '{"company_size": 20}', 30, 30, NULL, '2026-11-01T11:00:00Z')
            """)
        try await database.connection.query(
            """
            INSERT INTO engagements (tenant_id, event_id, lead_id, kind, occurred_at) VALUES
              ('acme', 'e1', 'L-1', 'email_click', '2026-11-02T10:00:00Z'),
              ('acme', 'e2', 'L-1', 'email_click', '2026-11-06T10:00:00Z'),
              ('acme', 'e3', 'L-1', 'meeting_booked', '2026-11-07T10:00:00Z'),
              ('acme', 'e4', 'L-2', 'email_click', '2026-11-20T10:00:00Z'),
              ('acme', 'e5', 'L-2', 'email_click', '2026-11-21T10:00:00Z')
            """)
        let rows = try await ModelCommand.trainingRows(
            tenant: "acme", since: "2026-11-01", until: "2026-12-01", database: database.connection)
        let converted = try #require(rows.first { $0.converted })
        let open = try #require(rows.first { !$0.converted })
        #expect(converted.features.clicks == 1 && converted.features.meetings == 0, "after the conversion: not counted")
        #expect(converted.features.websiteVisits == 2 && converted.features.companySize == 120, "as captured")
        #expect(open.features.clicks == 2, "an open lead's engagement all counts")
        await database.connection.close()
    }
}
