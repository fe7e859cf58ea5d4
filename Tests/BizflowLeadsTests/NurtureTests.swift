import BizflowEvents
@testable import BizflowLeads
import Testing

@Suite("Nurture campaigns and templates")
struct NurtureTests {
    @Test("the shipped campaigns are valid and chosen by band")
    func selection() throws {
        let config = try shippedCampaigns()
        #expect(config.problems().isEmpty)
        #expect(config.campaign(for: LeadScored.with { $0.band = .hot })?.id == "hot-demo")
        #expect(config.campaign(for: LeadScored.with { $0.band = .warm })?.id == "warm-education")
        #expect(config.campaign(for: LeadScored.with { $0.band = .cold })?.id == "cold-reengage")
        #expect(config.campaign(for: LeadScored.with { $0.band = .disqualified }) == nil)
    }

    @Test("templates render the lead's fields")
    func templates() throws {
        let config = try shippedCampaigns()
        let renderer = TemplateRenderer(campaigns: config)
        let fields = TemplateRenderer.fields(lead(), repName: "Grace", band: "hot", score: 88)
        let step = try #require(config.campaign(id: "hot-demo")?.steps.first)
        #expect(renderer.render(step.subject, fields) == "Ada, a demo for BigCorp?")
        #expect(renderer.render(step.body, fields).contains("I'm Grace"))
        #expect(renderer.render("Hi {{first_name}}", TemplateRenderer.fields(lead { $0.firstName = "" }, repName: "", band: "", score: 0)) == "Hi there")
    }

    @Test("a broken campaign file is refused with its problems")
    func problems() throws {
        var config = try shippedCampaigns()
        config.campaigns[0].type = "spam"
        config.campaigns[0].steps[0].body = "{{#unclosed}}"
        config.campaigns[0].exit.on = ["teleported"]
        #expect(config.problems().count == 3)
    }
}
