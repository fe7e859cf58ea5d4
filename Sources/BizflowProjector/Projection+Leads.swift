import BizflowEvents
import BizflowPostgres

extension Projection {
    /// The columns a lead snapshot fills, for both captured and scored events (they may arrive in either order).
    static func leadColumns(_ lead: LeadCaptured, _ context: Context) -> [PostgresValue] {
        [
            .text(lead.tenantID), .text(lead.leadID), text(lead.email), text(lead.companyName), text(lead.industry),
            text(lead.country), .text(name(lead.source)), text(lead.campaignID),
            context.at(lead.capturedAt, set: lead.hasCapturedAt), context.time,
        ]
    }

    static let upsertLead = """
        INSERT INTO leads (tenant_id, lead_id, email, company, industry, country, source, campaign_id, captured_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
        ON CONFLICT (tenant_id, lead_id) DO UPDATE SET
          email = coalesce(excluded.email, leads.email), company = coalesce(excluded.company, leads.company),
          industry = coalesce(excluded.industry, leads.industry), country = coalesce(excluded.country, leads.country),
          source = coalesce(excluded.source, leads.source), campaign_id = coalesce(excluded.campaign_id, leads.campaign_id),
          captured_at = coalesce(leads.captured_at, excluded.captured_at), updated_at = greatest(leads.updated_at, excluded.updated_at)
        """

    static func leadCaptured(_ e: LeadCaptured, _ context: Context) -> [PostgresStatement] {
        [PostgresStatement(upsertLead, leadColumns(e, context))]
    }

    /// One upsert for the lead's snapshot and its score (the lead may not have been projected yet), one history row.
    static func leadScored(_ e: LeadScored, _ context: Context) -> [PostgresStatement] {
        let reasons = reasonsJSON(e.reasons)
        let band = name(e.band)
        let at = context.at(e.scoredAt, set: e.hasScoredAt)
        var snapshot = e.lead
        snapshot.leadID = e.leadID
        snapshot.tenantID = e.tenantID
        var columns = leadColumns(snapshot, context)
        columns[9] = at
        columns += [.int(Int64(e.total)), .text(band), .double(e.confidence), reasons, .bool(e.overridden)]
        return [
            PostgresStatement(
                """
                INSERT INTO leads (tenant_id, lead_id, email, company, industry, country, source, campaign_id, captured_at,
                  updated_at, score, band, confidence, reasons, overridden, scored_at, stage)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::jsonb, $15, $10,
                  CASE WHEN $12 = 'disqualified' THEN 'disqualified' ELSE 'scored' END)
                ON CONFLICT (tenant_id, lead_id) DO UPDATE SET
                  email = coalesce(excluded.email, leads.email), company = coalesce(excluded.company, leads.company),
                  industry = coalesce(excluded.industry, leads.industry), country = coalesce(excluded.country, leads.country),
                  source = coalesce(excluded.source, leads.source), campaign_id = coalesce(excluded.campaign_id, leads.campaign_id),
                  captured_at = coalesce(leads.captured_at, excluded.captured_at),
                  score = excluded.score, band = excluded.band, confidence = excluded.confidence, reasons = excluded.reasons,
                  overridden = excluded.overridden, scored_at = excluded.scored_at,
                  stage = bizflow_later_stage(leads.stage, excluded.stage),
                  updated_at = greatest(leads.updated_at, excluded.updated_at)
                """, columns),
            PostgresStatement(
                """
                INSERT INTO score_history (tenant_id, event_id, lead_id, total, band, demographic, firmographic, behavioural,
                  engagement, confidence, overridden, reasons, scored_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $13) ON CONFLICT DO NOTHING
                """,
                [
                    .text(e.tenantID), context.id, .text(e.leadID), .int(Int64(e.total)), .text(band), .int(Int64(e.demographic)),
                    .int(Int64(e.firmographic)), .int(Int64(e.behavioural)), .int(Int64(e.engagement)), .double(e.confidence),
                    .bool(e.overridden), reasons, at,
                ]),
            features(snapshot, context),
            PostgresStatement(
                "UPDATE leads SET model_score = $3, model_version = $4, rules_score = $5 WHERE tenant_id = $1 AND lead_id = $2",
                [
                    .text(e.tenantID), .text(e.leadID), e.modelVersion.isEmpty ? .null : .int(Int64(e.modelScore)),
                    text(e.modelVersion), e.modelVersion.isEmpty ? .null : .int(Int64(e.rulesScore)),
                ]),
        ]
    }

    /// The reasons as a JSON array, written directly (this runs for every score).
    static func reasonsJSON(_ reasons: [ScoreReason]) -> PostgresValue {
        var json = "["
        for (index, reason) in reasons.enumerated() {
            if index > 0 { json += "," }
            json += #"{"component":\#(quoted(reason.component)),"detail":\#(quoted(reason.detail)),"#
            json += #""factor":\#(quoted(reason.factor)),"points":\#(reason.points)}"#
        }
        return .json(json + "]")
    }

    static func assignment(
        _ tenant: String, _ lead: String, kind: String, rep: String, previous: String, strategy: String, reason: String,
        at: PostgresValue, _ context: Context
    ) -> PostgresStatement {
        PostgresStatement(
            """
            INSERT INTO assignments (tenant_id, event_id, lead_id, kind, rep_id, previous_rep_id, strategy, reason, at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING
            """,
            [.text(tenant), context.id, .text(lead), .text(kind), text(rep), text(previous), text(strategy), text(reason), at])
    }

    static func leadAssigned(_ e: LeadAssigned, _ context: Context) -> [PostgresStatement] {
        let at = context.at(e.assignedAt, set: e.hasAssignedAt)
        return [
            PostgresStatement(
                """
                INSERT INTO leads (tenant_id, lead_id, rep_id, assigned_at, stage, updated_at) VALUES ($1, $2, $3, $4, 'assigned', $4)
                ON CONFLICT (tenant_id, lead_id) DO UPDATE SET rep_id = excluded.rep_id,
                  assigned_at = coalesce(leads.assigned_at, excluded.assigned_at),
                  stage = bizflow_later_stage(leads.stage, 'assigned'), updated_at = greatest(leads.updated_at, excluded.updated_at)
                """, [.text(e.tenantID), .text(e.leadID), .text(e.repID), at]),
            assignment(
                e.tenantID, e.leadID, kind: "assigned", rep: e.repID, previous: e.previousRepID, strategy: e.strategy,
                reason: e.reason, at: at, context),
        ]
    }

    static func leadUnassigned(_ e: LeadUnassigned, _ context: Context) -> [PostgresStatement] {
        [
            assignment(
                e.tenantID, e.leadID, kind: "unassigned", rep: "", previous: "", strategy: "", reason: e.reason,
                at: context.at(e.queuedAt, set: e.hasQueuedAt), context)
        ]
    }

    static func assignmentEscalated(_ e: AssignmentEscalated, _ context: Context) -> [PostgresStatement] {
        [
            assignment(
                e.tenantID, e.leadID, kind: "escalated", rep: e.newRepID.isEmpty ? e.repID : e.newRepID, previous: e.repID,
                strategy: e.action, reason: e.reason, at: context.at(e.escalatedAt, set: e.hasEscalatedAt), context)
        ]
    }

    static func leadEngagement(_ e: LeadEngagement, _ context: Context) -> [PostgresStatement] {
        let at = context.at(e.occurredAt, set: e.hasOccurredAt)
        let kind = name(e.kind)
        var statements = [
            PostgresStatement(
                """
                INSERT INTO engagements (tenant_id, event_id, lead_id, kind, campaign_id, message_id, occurred_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING
                """, [.text(e.tenantID), context.id, .text(e.leadID), .text(kind), text(e.campaignID), text(e.messageID), at])
        ]
        let (column, stage): (String, String) =
            switch e.kind {
            case .converted: ("converted_at", "converted")
            case .unsubscribed: ("unsubscribed_at", "unsubscribed")
            default: ("engaged_at", "engaged")
            }
        // An engagement may overtake its lead (another topic): create the row, the lead's own events fill it in.
        let stamps = column == "engaged_at" ? "" : "\(column) = coalesce(leads.\(column), excluded.engaged_at), "
        statements.append(
            PostgresStatement(
                """
                INSERT INTO leads (tenant_id, lead_id, engaged_at, \(column == "engaged_at" ? "" : "\(column), ")stage, updated_at)
                VALUES ($1, $2, $3, \(column == "engaged_at" ? "" : "$3, ")$4, $3)
                ON CONFLICT (tenant_id, lead_id) DO UPDATE SET \(stamps)engaged_at = coalesce(leads.engaged_at, excluded.engaged_at),
                  stage = bizflow_later_stage(leads.stage, excluded.stage), updated_at = greatest(leads.updated_at, excluded.updated_at)
                """, [.text(e.tenantID), .text(e.leadID), at, .text(stage)]))
        if !e.messageID.isEmpty && (e.kind == .emailOpen || e.kind == .emailClick) {
            let column = e.kind == .emailOpen ? "opened_at" : "clicked_at"
            statements.append(
                PostgresStatement(
                    "UPDATE nurture_messages SET \(column) = coalesce(\(column), $3) WHERE tenant_id = $1 AND message_id = $2",
                    [.text(e.tenantID), .text(e.messageID), at]))
        }
        return statements
    }

    static func nurtureMessage(_ e: NurtureMessage, _ context: Context) -> [PostgresStatement] {
        let at = context.at(e.createdAt, set: e.hasCreatedAt)
        return [
            PostgresStatement(
                """
                INSERT INTO nurture_messages (tenant_id, message_id, lead_id, campaign_id, step, channel, template_id, rep_id, created_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                ON CONFLICT (tenant_id, message_id) DO UPDATE SET lead_id = excluded.lead_id, campaign_id = excluded.campaign_id,
                  step = excluded.step, channel = excluded.channel, template_id = excluded.template_id, rep_id = excluded.rep_id,
                  created_at = excluded.created_at
                """,
                [
                    .text(e.tenantID), .text(e.messageID), .text(e.leadID), text(e.campaignID), .int(Int64(e.step)),
                    .text(name(e.channel)), text(e.templateID), text(e.repID), at,
                ]),
            PostgresStatement(
                """
                INSERT INTO leads (tenant_id, lead_id, nurture_campaign, updated_at) VALUES ($1, $2, $3, $4)
                ON CONFLICT (tenant_id, lead_id) DO UPDATE SET nurture_campaign = excluded.nurture_campaign,
                  updated_at = greatest(leads.updated_at, excluded.updated_at)
                """, [.text(e.tenantID), .text(e.leadID), text(e.campaignID), at]),
        ]
    }

    static func nurtureDelivery(_ e: NurtureDelivery, _ context: Context) -> [PostgresStatement] {
        // The delivery may overtake its message on another partition: create the row, fill in the rest later.
        [
            PostgresStatement(
                """
                INSERT INTO nurture_messages (tenant_id, message_id, lead_id, campaign_id, status, http_status, attempts, error, delivered_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                ON CONFLICT (tenant_id, message_id) DO UPDATE SET status = excluded.status, http_status = excluded.http_status,
                  attempts = excluded.attempts, error = excluded.error, delivered_at = excluded.delivered_at
                """,
                [
                    .text(e.tenantID), .text(e.messageID), .text(e.leadID), text(e.campaignID), .text(name(e.status)),
                    .int(Int64(e.httpStatus)), .int(Int64(e.attempts)), text(e.error), context.at(e.deliveredAt, set: e.hasDeliveredAt),
                ])
        ]
    }
}

extension Projection {
    /// A lead that became a customer: the link revenue attribution follows, and the lead's funnel stage.
    static func leadConverted(_ e: LeadConverted, _ context: Context) -> [PostgresStatement] {
        let at = context.at(e.convertedAt, set: e.hasConvertedAt)
        return [
            PostgresStatement(
                """
                INSERT INTO lead_conversions (tenant_id, lead_id, customer_id, source, actor, converted_at)
                VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING
                """, [.text(e.tenantID), .text(e.leadID), .text(e.customerID), .text(name(e.source)), text(e.actor), at]),
            // A conversion may overtake its lead (another topic): create the row, the lead's own events fill it in.
            PostgresStatement(
                """
                INSERT INTO leads (tenant_id, lead_id, converted_at, stage, updated_at) VALUES ($1, $2, $3, 'converted', $3)
                ON CONFLICT (tenant_id, lead_id) DO UPDATE SET converted_at = coalesce(leads.converted_at, excluded.converted_at),
                  stage = bizflow_later_stage(leads.stage, excluded.stage), updated_at = greatest(leads.updated_at, excluded.updated_at)
                """, [.text(e.tenantID), .text(e.leadID), at]),
        ]
    }
}

extension Projection {
    /// The lead's model features as scored (normalised, as the scoring tier reads them: what `bizflow model train`
    /// reads), as JSON.
    static func features(_ lead: LeadCaptured, _ context: Context) -> PostgresStatement {
        let json = """
            {"company_size":\(lead.companySize),"job_title":\(quoted(lead.jobTitle)),"industry":\(quoted(lead.industry)),\
            "country":\(quoted(lead.country)),"source":\(lead.source.rawValue),"budget_minor":\(lead.hasBudget ? lead.budget.amountMinor : 0),\
            "timeline":\(lead.timeline.rawValue),"services":\(lead.serviceRequirements.count),"website_visits":\(lead.websiteVisits),\
            "content_downloads":\(lead.contentDownloads),"email_opens":\(lead.emailOpens),\
            "consent_granted":\(lead.marketingConsent == .granted)}
            """
        return PostgresStatement(
            "UPDATE leads SET features = $3::jsonb WHERE tenant_id = $1 AND lead_id = $2",
            [.text(lead.tenantID), .text(lead.leadID), .json(json)])
    }

    /// A published scoring model and how it did.
    static func scoringModel(_ e: ScoringModel, _ context: Context) -> [PostgresStatement] {
        let evaluation = (try? e.evaluation.jsonString()) ?? "{}"
        return [
            PostgresStatement(
                """
                INSERT INTO scoring_models (tenant_id, version, trained_at, features, evaluation) VALUES ($1, $2, $3, $4, $5::jsonb)
                ON CONFLICT DO NOTHING
                """,
                [.text(e.tenantID), .text(e.version), context.at(e.trainedAt, set: e.hasTrainedAt), .int(Int64(e.features.count)), .json(evaluation)])
        ]
    }
}

// The event types these read models take, each registered once beside its statements.
extension LeadCaptured: ProjectedEvent {
    func statements(_ context: Projection.Context) -> [PostgresStatement] { Projection.leadCaptured(self, context) }
}

extension LeadScored: ProjectedEvent {
    func statements(_ context: Projection.Context) -> [PostgresStatement] { Projection.leadScored(self, context) }
}

extension LeadAssigned: ProjectedEvent {
    func statements(_ context: Projection.Context) -> [PostgresStatement] { Projection.leadAssigned(self, context) }
}

extension LeadUnassigned: ProjectedEvent {
    func statements(_ context: Projection.Context) -> [PostgresStatement] { Projection.leadUnassigned(self, context) }
}

extension AssignmentEscalated: ProjectedEvent {
    func statements(_ context: Projection.Context) -> [PostgresStatement] { Projection.assignmentEscalated(self, context) }
}

extension LeadEngagement: ProjectedEvent {
    func statements(_ context: Projection.Context) -> [PostgresStatement] { Projection.leadEngagement(self, context) }
}

extension LeadConverted: ProjectedEvent {
    func statements(_ context: Projection.Context) -> [PostgresStatement] { Projection.leadConverted(self, context) }
}

extension ScoringModel: ProjectedEvent {
    func statements(_ context: Projection.Context) -> [PostgresStatement] { Projection.scoringModel(self, context) }
}

extension NurtureMessage: ProjectedEvent {
    func statements(_ context: Projection.Context) -> [PostgresStatement] { Projection.nurtureMessage(self, context) }
}

extension NurtureDelivery: ProjectedEvent {
    func statements(_ context: Projection.Context) -> [PostgresStatement] { Projection.nurtureDelivery(self, context) }
}
