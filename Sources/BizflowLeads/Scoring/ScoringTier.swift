import BizflowEvents
import BizflowRuntime
import Foundation
import SwiftProtobuf

/// Scores captured leads, re-scores them on engagement, and applies score overrides (HITL). Leads are read, normalised
/// and scored on their bytes and the scored event written as bytes, with the lead's own encoding embedded: a lead is
/// never decoded into a message on the way through.
public actor ScoringTier: Tier {
    static let leads = "leads"
    static let activity = "activity"
    static let overrides = "overrides"

    let scorer: LeadScorer
    /// Where published models come from (the topology's `reads`).
    let modelTopics: [String]
    /// Normalised text of the lead being captured, reused from lead to lead.
    private var text: [UInt8] = []
    /// The encoded `scored_at` for the last `now` (a batch shares one).
    private var stamp: (now: Date, bytes: [UInt8]) = (.distantPast, [])
    /// The latest published scoring model per tenant (from `scoring.models`, read whole by every process).
    private var models: [String: (version: String, model: LogisticModel)] = [:]

    public init(config: ScoringConfig, modelTopics: [String] = []) {
        scorer = LeadScorer(config: config)
        self.modelTopics = modelTopics
    }

    public func handle(_ input: InboundEvent, state: inout TierState, now: Date) async throws -> [Emit] {
        // Captured leads are read from their bytes: never decoded.
        if input.isEvent(LeadCaptured.self) { return [try capture(input, state: &state, now: now)] }
        switch input.event {
        case let engagement as LeadEngagement:
            var activity = state.value(LeadScorer.Activity.self, Self.activity, input.key) ?? .init()
            guard Self.record(engagement.kind, in: &activity) else { return [] }
            state.set(activity, Self.activity, input.key)
            guard let lead = state.bytes(Self.leads, input.key), !lead.isEmpty else { return [] }
            return [try emit(lead, key: input.key, state: state, now: now)]
        case let command as ScoreOverride:
            return [try override(command, key: input.key, state: &state, now: now)]
        default:
            return []  // other commands on the shared topic are for other tiers
        }
    }

    /// Validates and normalises a captured lead, stores it, and scores it. A lead that normalising leaves unchanged
    /// is stored and embedded as the bytes it arrived in.
    private func capture(_ input: InboundEvent, state: inout TierState, now: Date) throws -> Emit {
        var received = try input.payload ?? input.event.serializedBytes()
        if received.withUnsafeBytes({ LeadCapturedView($0) }) == nil {
            // Bytes swift-protobuf reads but not the view (a message field given twice): read once, written plainly.
            received = try LeadCaptured(serializedBytes: received).serializedBytes()
        }
        let (lead, scored): ([UInt8], Emit?) = try received.withUnsafeBytes { raw in
            guard let view = LeadCapturedView(raw) else { throw TierError.invalid("the lead's encoding cannot be read") }
            let problems = LeadValidator.problems(raw, view)
            guard problems.isEmpty else { throw TierError.invalid(problems.map(\.message).joined(separator: "; ")) }
            let fields = LeadNormalizer.normalize(raw, view, into: &text)
            guard fields.changed else { return (received, try emit(view, raw, key: input.key, state: state, now: now)) }
            return (LeadNormalizer.rewrite(raw, fields, text: text), nil)
        }
        state.setBytes(lead, Self.leads, input.key)
        return try scored ?? emit(lead, key: input.key, state: state, now: now)
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

    /// The scored event of the stored lead `lead` (its encoding, embedded as is), with the lead's activity and any
    /// override.
    private func emit(_ lead: [UInt8], key: String, state: TierState, now: Date) throws -> Emit {
        try lead.withUnsafeBytes { raw in
            guard let view = LeadCapturedView(raw) else { throw TierError.invalid("the stored lead \(key) cannot be read") }
            return try emit(view, raw, key: key, state: state, now: now)
        }
    }

    private func emit(_ view: LeadCapturedView, _ raw: UnsafeRawBufferPointer, key: String, state: TierState, now: Date) throws -> Emit {
        let activity = state.value(LeadScorer.Activity.self, Self.activity, key) ?? .init()
        let override = state.value(ScoreOverrideEntry.self, Self.overrides, key)
        if stamp.now != now { stamp = (now, try Google_Protobuf_Timestamp(date: now).serializedBytes()) }
        var writer = WireWriter(capacity: raw.count + 512)
        let model = modelPart(view, raw, activity: activity)
        scorer.write(view, raw, activity: activity, override: override, scoredAt: stamp.bytes, model: model, to: &writer)
        writer.bytes(LeadScored.leadField, raw)
        return Emit(encoded: writer.bytes, of: LeadScored.self, key: ASCIIText.string(raw, view.leadID))
    }

    /// The model's part in this lead's score, when its tenant's mode uses one and one is published.
    private func modelPart(_ view: LeadCapturedView, _ raw: UnsafeRawBufferPointer, activity: LeadScorer.Activity) -> ModelPart? {
        guard !models.isEmpty else { return nil }
        let tenant = ASCIIText.string(raw, view.tenantID)
        let (mode, weight) = scorer.config.modelMode(for: tenant)
        guard mode != .rules, let published = models[tenant] else { return nil }
        return ModelPart(
            published.model, version: published.version, mode: mode, weight: weight,
            features: scorer.features(view, raw, activity: activity))
    }

    /// Published models: the latest per tenant replaces the one before (a model of other features is ignored, with
    /// the rules scoring until one of this build's features comes).
    public func global(_ input: InboundEvent) async throws {
        guard let published = input.event as? ScoringModel else { return }
        guard let model = LogisticModel(published) else { throw ModelMismatch(version: published.version, features: published.features.count) }
        models[published.tenantID] = (published.version, model)
    }

    public nonisolated var globalTopics: [String] { modelTopics }

    private func override(_ command: ScoreOverride, key: String, state: inout TierState, now: Date) throws -> Emit {
        var problems: [String] = []
        if !(0...100).contains(command.score) { problems.append("score must be between 0 and 100") }
        if command.actor.isEmpty { problems.append("actor is required") }
        if command.reason.isEmpty { problems.append("reason is required") }
        let band = command.band.isEmpty ? scorer.band(Int(command.score)) : QualificationBand(name: command.band)
        if band == nil { problems.append("band must be hot, warm, cold or disqualified") }
        guard problems.isEmpty, let band else { throw TierError.invalid(problems.joined(separator: "; ")) }
        guard let lead = state.bytes(Self.leads, key), !lead.isEmpty else {
            throw TierError.invalid("no lead \(key) has been captured: an override needs a scored lead")
        }
        let entry = ScoreOverrideEntry(score: Int(command.score), band: band.rawValue, actor: command.actor, reason: command.reason)
        state.set(entry, Self.overrides, key)
        return try emit(lead, key: key, state: state, now: now)
    }
}
