import BizflowEvents
import BizflowLeads
import Foundation

/// The repository's root, for the shipped configuration files.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
let topologyDirectory = repositoryRoot.appendingPathComponent("Topology").path

func shippedScoring() throws -> ScoringConfig { try ScoringConfig.load(path: topologyDirectory + "/scoring.yaml") }
func shippedReps() throws -> AssignmentConfig { try AssignmentConfig.load(path: topologyDirectory + "/reps.yaml") }
func shippedCampaigns() throws -> CampaignConfig { try CampaignConfig.load(path: topologyDirectory + "/campaigns.yaml") }

/// A complete, consenting lead; tests change the fields they are about.
func lead(_ id: String = "L1", _ change: (inout LeadCaptured) -> Void = { _ in }) -> LeadCaptured {
    var lead = LeadCaptured()
    lead.leadID = id
    lead.tenantID = "acme"
    lead.email = "ada@bigcorp.com"
    lead.phone = "+1 415 555 0100"
    lead.firstName = "Ada"
    lead.lastName = "Lovelace"
    lead.companyName = "BigCorp"
    lead.companySize = 1500
    lead.industry = "software"
    lead.jobTitle = "CTO"
    lead.country = "US"
    lead.source = .webForm
    lead.budget = Money.with {
        $0.amountMinor = 10_000_000
        $0.currency = "USD"
    }
    lead.timeline = .immediate
    lead.serviceRequirements = ["integration"]
    lead.websiteVisits = 10
    lead.emailOpens = 3
    lead.contentDownloads = 2
    lead.marketingConsent = .granted
    change(&lead)
    return lead
}
