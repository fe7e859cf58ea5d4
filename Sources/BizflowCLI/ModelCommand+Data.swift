import BizflowLeads
import BizflowPostgres
import BizflowProjector
import Foundation

extension ModelCommand {
    /// Every lead of `tenant` captured in [since, until) with its features as captured, its engagement since (by
    /// kind, conversions excluded: they are the outcome), the rules' score and whether it converted.
    static func trainingRows(tenant: String, since: String, until: String, database: PostgresConnection) async throws -> [ModelTrainer.Row] {
        let rows = try await Analytics.query(
            """
            SELECT l.lead_id, extract(epoch FROM l.captured_at) AS captured, l.features::text AS features,
                   coalesce(l.rules_score, l.score) AS rules_score, l.converted_at IS NOT NULL AS converted,
                   count(e.*) FILTER (WHERE e.kind = 'email_open') AS opens,
                   count(e.*) FILTER (WHERE e.kind = 'email_click') AS clicks,
                   count(e.*) FILTER (WHERE e.kind = 'reply') AS replies,
                   count(e.*) FILTER (WHERE e.kind = 'meeting_booked') AS meetings,
                   count(e.*) FILTER (WHERE e.kind = 'website_visit') AS visits,
                   count(e.*) FILTER (WHERE e.kind = 'content_download') AS downloads
            FROM leads l LEFT JOIN engagements e ON e.tenant_id = l.tenant_id AND e.lead_id = l.lead_id
            WHERE l.captured_at >= $1::date AND l.captured_at < $2::date AND l.features IS NOT NULL AND l.score IS NOT NULL
            GROUP BY l.lead_id, l.captured_at, l.features::text, l.rules_score, l.score, l.converted_at
            """, [.text(since), .text(until)], tenant: tenant, database: database)
        return (0..<rows.count).compactMap { index in
            guard let text = rows.value(index, "features"),
                let json = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
            else { return nil }
            func int(_ key: String) -> Int { (json[key] as? NSNumber)?.intValue ?? 0 }
            func count(_ column: String) -> Int { Int(rows.int(index, column) ?? 0) }
            var features = LeadFeatures()
            features.companySize = int("company_size")
            features.jobTitle = json["job_title"] as? String ?? ""
            features.industry = json["industry"] as? String ?? ""
            features.country = json["country"] as? String ?? ""
            features.source = int("source")
            features.budgetMinor = (json["budget_minor"] as? NSNumber)?.int64Value ?? 0
            features.timeline = int("timeline")
            features.services = int("services")
            features.websiteVisits = int("website_visits") + count("visits")
            features.contentDownloads = int("content_downloads") + count("downloads")
            features.emailOpens = int("email_opens") + count("opens")
            features.clicks = count("clicks")
            features.replies = count("replies")
            features.meetings = count("meetings")
            features.consentGranted = json["consent_granted"] as? Bool ?? false
            return ModelTrainer.Row(
                features: features, capturedAt: Date(timeIntervalSince1970: rows.double(index, "captured") ?? 0),
                rulesScore: Int(rows.int(index, "rules_score") ?? 0), converted: rows.value(index, "converted") == "t")
        }
    }
}
