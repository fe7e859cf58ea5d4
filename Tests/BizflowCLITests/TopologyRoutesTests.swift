import BizflowTopology
import Foundation
import Testing

@Suite("Topology: where a tier's events go")
struct TopologyRoutesTests {
    @Test("each type a tier emits goes to the one topic of its produces that carries it; a type two carry is left out")
    func routes() throws {
        let shipped = try Topology.load(path: repositoryRoot.appendingPathComponent("Topology/topology.yaml").path)
        #expect(shipped.outputTopics(ofTier: "recycling", prefix: "p.") == ["bizflow.leads.v1.LeadRecycled": "p.leads.recycled"])
        #expect(shipped.outputTopics(ofTier: "inventory")["bizflow.orders.v1.ReservationAnswered"] == "inventory.answers")
        let twice = try Topology.parse(
            """
            topics:
              a: { events: [bizflow.leads.v1.LeadScored, bizflow.leads.v1.LeadAssigned] }
              b: { events: [bizflow.leads.v1.LeadScored] }
            tiers:
              t:
                produces: [a, b]
            """, file: "t.yaml")
        #expect(twice.outputTopics(ofTier: "t") == ["bizflow.leads.v1.LeadAssigned": "a"])
    }
}
