import BizflowEvents
import BizflowRuntime
import Foundation
import SwiftProtobuf

/// Sends stalled leads back into the funnel: assigned and not contacted for a while (a new rep), or cold and no
/// warmer for a while (nurture again), as `Topology/recycling.yaml` says. Each rule is a durable timer per lead,
/// armed by the event that starts the stall and cancelled by the one that ends it; a recycled lead carries the rule
/// and what it saw in a `LeadRecycled` that the assignment and nurture tiers act on.
public actor RecyclingTier: Tier {
    static let leads = "leads"
    static let uncontactedTimer = "uncontacted"
    static let coldTimer = "cold"

    /// What the tier knows of a lead.
    struct Watch: Codable, Equatable {
        var repID = ""
        var contacted = false
        var cold = false
        /// Converted or unsubscribed: never recycled.
        var closed = false
        /// The latest LeadScored, as received.
        var scored: [UInt8] = []
    }

    let config: RecyclingConfig

    public init(config: RecyclingConfig) {
        self.config = config
    }

    public func handle(_ input: InboundEvent, state: inout TierState, now: Date) async throws -> [Emit] {
        var watch = state.value(Watch.self, Self.leads, input.key) ?? Watch()
        guard !watch.closed else { return [] }
        switch input.event {
        case let scored as LeadScored:
            watch.scored = try input.payload ?? scored.serializedBytes()
            cooled(scored, into: &watch, key: input.key, state: &state, now: now)
        case let assigned as LeadAssigned:
            watch.repID = assigned.repID
            watch.contacted = false
            if assigned.hasScored { watch.scored = try assigned.scored.serializedBytes() }
            if let rule = config.uncontacted {
                state.schedule(timer(Self.uncontactedTimer, input.key, assigned.tenantID, after: rule.afterHours * 3600, now: now))
            }
        case let engagement as LeadEngagement:
            switch engagement.kind {
            case .reply, .meetingBooked:
                watch.contacted = true
                state.cancelTimer(key: input.key, name: Self.uncontactedTimer)
            case .converted, .unsubscribed:
                watch.closed = true
                state.cancelTimer(key: input.key, name: Self.uncontactedTimer)
                state.cancelTimer(key: input.key, name: Self.coldTimer)
            default:
                return []
            }
        default:
            return []
        }
        state.set(watch, Self.leads, input.key)
        return []
    }

    public func fire(_ timer: DurableTimer, state: inout TierState, now: Date) async throws -> [Emit] {
        guard let watch = state.value(Watch.self, Self.leads, timer.key), !watch.closed,
            let scored = try? LeadScored(serializedBytes: watch.scored)
        else { return [] }
        var recycled = LeadRecycled()
        recycled.leadID = timer.key
        recycled.tenantID = timer.tenantID
        recycled.repID = watch.repID
        recycled.scored = scored
        recycled.recycledAt = Google_Protobuf_Timestamp(date: now)
        switch timer.name {
        case Self.uncontactedTimer:
            guard let rule = config.uncontacted, !watch.contacted, !watch.repID.isEmpty else { return [] }
            recycled.rule = Self.uncontactedTimer
            recycled.action = rule.action.event
            recycled.reason = "assigned to \(watch.repID) \(Self.hours(rule.afterHours)) ago and not contacted since"
        case Self.coldTimer:
            guard let rule = config.cold, watch.cold else { return [] }
            recycled.rule = Self.coldTimer
            recycled.action = rule.action.event
            recycled.reason = "cold for \(Self.hours(rule.afterDays * 24)) (score \(scored.total))"
        default:
            return []
        }
        return [Emit(recycled)]  // to the topic the topology says carries it
    }

    /// A cold score arms the cold timer (once per cold stretch); a warmer one disarms it; a disqualified lead
    /// is left alone.
    private func cooled(_ scored: LeadScored, into watch: inout Watch, key: String, state: inout TierState, now: Date) {
        let cold = scored.band == .cold
        if cold && !watch.cold, let rule = config.cold {
            state.schedule(timer(Self.coldTimer, key, scored.tenantID, after: rule.afterDays * 86_400, now: now))
        } else if !cold && watch.cold {
            state.cancelTimer(key: key, name: Self.coldTimer)
        }
        watch.cold = cold
    }

    private func timer(_ name: String, _ key: String, _ tenant: String, after seconds: Double, now: Date) -> DurableTimer {
        DurableTimer(name: name, key: key, due: now.addingTimeInterval(seconds), tenantID: tenant)
    }

    static func hours(_ hours: Double) -> String {
        hours >= 48 && hours.truncatingRemainder(dividingBy: 24) == 0 ? "\(Int(hours / 24)) days" : "\(Int(hours)) h"
    }
}
