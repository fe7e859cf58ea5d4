import BizflowEvents
import BizflowRuntime
import Foundation
import SwiftProtobuf

/// Enrols assigned leads in campaigns and sends their steps as nurture messages: on durable timers (step
/// delays), on behaviour (clicks and replies advance, exit events end), and on re-scores (a lead moves to the
/// campaign its new score fits, or leaves when it drops too low).
public actor NurtureTier: Tier {
    static let enrolments = "enrolments"
    static let stepTimer = "step"

    /// A lead's place in a campaign.
    struct Enrolment: Codable, Equatable {
        var campaignID: String
        /// The next step to send.
        var step: Int
        /// Counts enrolments of this lead, so message ids of a re-entered campaign differ.
        var generation: Int
        var repID: String
        var recipient: String
        var channelRecipient: [String: String]
        var fields: [String: String]
        var exited: String?
    }

    let campaigns: CampaignConfig
    let renderer: TemplateRenderer

    /// Its messages go to the topic the topology routes them to (`nurture.messages`).
    public init(campaigns: CampaignConfig) {
        self.campaigns = campaigns
        self.renderer = TemplateRenderer(campaigns: campaigns)
    }

    public func handle(_ input: InboundEvent, state: inout TierState, now: Date) async throws -> [Emit] {
        switch input.event {
        case let assigned as LeadAssigned:
            enrol(assigned.scored, repID: assigned.repID, repName: assigned.repName, key: input.key, state: &state, now: now)
        case let scored as LeadScored:
            rescored(scored, key: input.key, state: &state, now: now)
        case let engagement as LeadEngagement:
            engaged(engagement, key: input.key, state: &state, now: now)
        case let recycled as LeadRecycled where recycled.action == .nurture:
            restart(recycled, key: input.key, state: &state, now: now)
        default:
            break
        }
        return []
    }

    public func fire(_ timer: DurableTimer, state: inout TierState, now: Date) async throws -> [Emit] {
        guard timer.name == Self.stepTimer, var enrolment = state.value(Enrolment.self, Self.enrolments, timer.key),
            enrolment.exited == nil, let campaign = campaigns.campaign(id: enrolment.campaignID),
            enrolment.step < campaign.steps.count, timer.payload["campaign"] == campaign.id
        else { return [] }
        let step = campaign.steps[enrolment.step]
        var message = NurtureMessage()
        message.messageID = EventID.derived(timer.key, campaign.id, String(enrolment.generation), String(enrolment.step))
        message.leadID = timer.key
        message.tenantID = timer.tenantID
        message.campaignID = campaign.id
        message.step = Int32(enrolment.step)
        message.channel = Self.channel(step.channel)
        message.templateID = step.template
        message.subject = renderer.render(step.subject, enrolment.fields)
        message.body = renderer.render(step.body, enrolment.fields)
        message.repID = enrolment.repID
        message.recipient = enrolment.channelRecipient[step.channel.rawValue] ?? enrolment.recipient
        message.scheduledFor = Google_Protobuf_Timestamp(date: timer.dueDate)
        message.createdAt = Google_Protobuf_Timestamp(date: now)
        enrolment.step += 1
        if enrolment.step < campaign.steps.count {
            schedule(timer.key, tenant: timer.tenantID, campaign: campaign.id, after: campaign.steps[enrolment.step].delayMinutes, state: &state, now: now)
        } else {
            enrolment.exited = "completed"
        }
        state.set(enrolment, Self.enrolments, timer.key)
        return [Emit(message)]
    }

    private func enrol(_ scored: LeadScored, repID: String, repName: String, key: String, state: inout TierState, now: Date) {
        let current = state.value(Enrolment.self, Self.enrolments, key)
        guard let campaign = campaigns.campaign(for: scored) else { return }
        if var current, current.campaignID == campaign.id, current.exited == nil {
            current.repID = repID  // a reassignment: same campaign, new sender
            current.fields["rep_name"] = repName
            state.set(current, Self.enrolments, key)
            return
        }
        let lead = scored.lead
        let enrolment = Enrolment(
            campaignID: campaign.id, step: 0, generation: (current?.generation ?? -1) + 1, repID: repID,
            recipient: lead.email, channelRecipient: ["email": lead.email, "sms": lead.phone, "webhook": lead.email],
            fields: TemplateRenderer.fields(lead, repName: repName, band: scored.band.name, score: scored.total),
            exited: nil)
        state.set(enrolment, Self.enrolments, key)
        schedule(key, tenant: scored.tenantID, campaign: campaign.id, after: campaign.steps[0].delayMinutes, state: &state, now: now)
    }

    /// A lead the recycling tier sends back to nurture: its current enrolment ends and it starts again, from the
    /// first step, in the campaign its latest score fits.
    private func restart(_ recycled: LeadRecycled, key: String, state: inout TierState, now: Date) {
        var repName = ""
        if var enrolment = state.value(Enrolment.self, Self.enrolments, key) {
            repName = enrolment.fields["rep_name"] ?? ""
            if enrolment.exited == nil { exit(&enrolment, "recycled (\(recycled.rule))", key: key, state: &state) }
        }
        enrol(recycled.scored, repID: recycled.repID, repName: repName, key: key, state: &state, now: now)
    }

    private func rescored(_ scored: LeadScored, key: String, state: inout TierState, now: Date) {
        guard var enrolment = state.value(Enrolment.self, Self.enrolments, key), enrolment.exited == nil,
            let campaign = campaigns.campaign(id: enrolment.campaignID)
        else { return }
        if let floor = campaign.exit.scoreBelow, scored.total < floor {
            exit(&enrolment, "score dropped to \(scored.total)", key: key, state: &state)
            return
        }
        enrolment.fields["score"] = String(scored.total)
        enrolment.fields["band"] = scored.band.name
        state.set(enrolment, Self.enrolments, key)
        if let better = campaigns.campaign(for: scored), better.id != campaign.id {
            exit(&enrolment, "moved to \(better.id)", key: key, state: &state)
            enrol(scored, repID: enrolment.repID, repName: enrolment.fields["rep_name"] ?? "", key: key, state: &state, now: now)
        }
    }

    private func engaged(_ engagement: LeadEngagement, key: String, state: inout TierState, now: Date) {
        guard var enrolment = state.value(Enrolment.self, Self.enrolments, key), enrolment.exited == nil,
            let campaign = campaigns.campaign(id: enrolment.campaignID)
        else { return }
        let kind = Self.kindName(engagement.kind)
        if campaign.exit.on.contains(kind) {
            exit(&enrolment, kind, key: key, state: &state)
        } else if engagement.kind == .emailClick || engagement.kind == .reply, enrolment.step < campaign.steps.count {
            // Interest shown: the next step goes out now rather than after its delay.
            schedule(key, tenant: engagement.tenantID, campaign: campaign.id, after: 0, state: &state, now: now)
        }
    }

    private func exit(_ enrolment: inout Enrolment, _ reason: String, key: String, state: inout TierState) {
        enrolment.exited = reason
        state.set(enrolment, Self.enrolments, key)
        state.cancelTimer(key: key, name: Self.stepTimer)
    }

    private func schedule(_ key: String, tenant: String, campaign: String, after minutes: Double, state: inout TierState, now: Date) {
        state.schedule(
            DurableTimer(
                name: Self.stepTimer, key: key, due: now.addingTimeInterval(minutes * 60), payload: ["campaign": campaign],
                tenantID: tenant))
    }

    static func channel(_ channel: CampaignConfig.Channel) -> NurtureChannel {
        switch channel {
        case .email: return .email
        case .sms: return .sms
        case .webhook: return .callTask
        }
    }

    static func channelName(_ channel: NurtureChannel) -> String {
        switch channel {
        case .email: return "email"
        case .sms: return "sms"
        case .callTask: return "webhook"
        default: return "unspecified"
        }
    }

    static func kindName(_ kind: EngagementKind) -> String {
        switch kind {
        case .emailOpen: return "email_open"
        case .emailClick: return "email_click"
        case .websiteVisit: return "website_visit"
        case .contentDownload: return "content_download"
        case .reply: return "reply"
        case .meetingBooked: return "meeting_booked"
        case .unsubscribed: return "unsubscribed"
        case .converted: return "converted"
        default: return "unspecified"
        }
    }
}
