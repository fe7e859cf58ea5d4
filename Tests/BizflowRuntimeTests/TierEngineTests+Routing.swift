import BizflowEvents
import BizflowKafka
@testable import BizflowRuntime
import Foundation
import Testing

extension TierEngineTests {
    @Test("an emit without a topic goes where the topology routes its type; an unroutable one dead-letters its input")
    func routedByTopology() throws {
        var engine = try self.engine { $0.outputTopics = [LeadScored.eventType: "p.leads.scored"] }
        engine.startBatch(now: start) { _, _ in false }
        var scored = LeadScored()
        scored.leadID = "L1"
        scored.tenantID = "acme"
        var call = try required(engine.begin(try record("L1", offset: 0)))
        #expect(engine.finish(&call, .success([Emit(scored)]), state: call.state) == nil)
        var assigned = LeadAssigned()
        assigned.leadID = "L2"
        assigned.tenantID = "acme"
        var unrouted = try required(engine.begin(try record("L2", offset: 1)))
        #expect(engine.finish(&unrouted, .success([Emit(assigned)]), state: unrouted.state) == nil)
        let plan = try required(engine.plan())
        #expect(plan.outputs.map(\.topic) == ["p.leads.scored", "in.dlq"])
        let reason = plan.outputs[1].headers.header(named: DeadLetter.Header.reason)?.stringValue ?? ""
        #expect(reason.contains(LeadAssigned.eventType) && reason.contains("topology.yaml"), "\(reason)")
    }
}
