import BizflowEvents
import BizflowRuntime
import Foundation
import SwiftProtobuf

/// Scores captured leads, re-scores them on engagement, and applies score overrides (HITL).
public actor ScoringTier: Tier {
    static let leads = "leads"
    static let activity = "activity"
    static let overrides = "overrides"

    /// A human override of a lead's score, kept so later re-scores keep it.
    struct Override: Codable, Equatable {
        var score: Int
        var band: Int
        var actor: String
        var reason: String
    }

    let scorer: LeadScorer
    let topics: LeadTopics

    public init(config: ScoringConfig, topics: LeadTopics = LeadTopics()) {
        scorer = LeadScorer(config: config)
        self.topics = topics
    }

    public func handle(_ input: InboundEvent, state: inout TierState, now: Date) async throws -> [Emit] {
        switch input.event {
        case let lead as LeadCaptured:
            let problems = LeadNormalizer.validationProblems(lead)
            guard problems.isEmpty else { throw TierError.invalid(problems.joined(separator: "; ")) }
            let (normalized, changed) = LeadNormalizer.normalizing(lead)
            // A lead left unchanged is stored and emitted as the bytes it arrived in: never encoded again.
            let bytes: [UInt8]
            if !changed, let payload = input.payload { bytes = payload } else { bytes = try normalized.serializedBytes() }
            state.setBytes(bytes, Self.leads, input.key)
            return [try emit(normalized, encoded: bytes, state: state, now: now)]
        case let engagement as LeadEngagement:
            var activity = state.value(LeadScorer.Activity.self, Self.activity, input.key) ?? .init()
            guard Self.record(engagement.kind, in: &activity) else { return [] }
            state.set(activity, Self.activity, input.key)
            guard let (lead, bytes) = state.encodedMessage(LeadCaptured.self, Self.leads, input.key) else { return [] }
            return [try emit(lead, encoded: bytes, state: state, now: now)]
        case let command as ScoreOverride:
            return [try override(command, key: input.key, state: &state, now: now)]
        default:
            return []  // other commands on the shared topic are for other tiers
        }
    }

    /// Counts an engagement signal; false for kinds that do not change the score.
    static func record(_ kind: EngagementKind, in activity: inout LeadScorer.Activity) -> Bool {
        switch kind {
        case .emailOpen: activity.opens += 1
        case .emailClick: activity.clicks += 1
        case .reply: activity.replies += 1
        case .meetingBooked: activity.meetings += 1
        case .websiteVisit: activity.visits += 1
        case .contentDownload: activity.downloads += 1
        default: return false
        }
        return true
    }

    /// The lead's score; `encoded` is the lead's encoding, written into the scored event as is.
    private func emit(_ lead: LeadCaptured, encoded: [UInt8], state: TierState, now: Date) throws -> Emit {
        let activity = state.value(LeadScorer.Activity.self, Self.activity, lead.leadID) ?? .init()
        var scored = scorer.score(lead, activity: activity)
        scored.scoredAt = Google_Protobuf_Timestamp(date: now)
        if let override = state.value(Override.self, Self.overrides, lead.leadID) {
            apply(override, to: &scored)
        }
        return try Emit(scored, to: topics.scored, embedding: encoded, asField: LeadScored.leadField) { $0.clearLead() }
    }

    private func override(_ command: ScoreOverride, key: String, state: inout TierState, now: Date) throws -> Emit {
        var problems: [String] = []
        if !(0...100).contains(command.score) { problems.append("score must be between 0 and 100") }
        if command.actor.isEmpty { problems.append("actor is required") }
        if command.reason.isEmpty { problems.append("reason is required") }
        let band = command.band.isEmpty ? scorer.band(Int(command.score)) : QualificationBand(name: command.band)
        if band == nil { problems.append("band must be hot, warm, cold or disqualified") }
        guard problems.isEmpty, let band else { throw TierError.invalid(problems.joined(separator: "; ")) }
        guard let (lead, bytes) = state.encodedMessage(LeadCaptured.self, Self.leads, key) else {
            throw TierError.invalid("no lead \(key) has been captured: an override needs a scored lead")
        }
        let override = Override(score: Int(command.score), band: band.rawValue, actor: command.actor, reason: command.reason)
        state.set(override, Self.overrides, key)
        return try emit(lead, encoded: bytes, state: state, now: now)
    }

    private func apply(_ override: Override, to scored: inout LeadScored) {
        scored.total = Int32(override.score)
        scored.band = QualificationBand(rawValue: override.band) ?? scored.band
        scored.overridden = true
        scored.reasons.insert(
            ScoreReason.with {
                $0.component = "override"
                $0.factor = override.actor
                $0.points = Int32(override.score)
                $0.detail = override.reason
            }, at: 0)
    }
}
