import BizflowEvents
import Foundation

/// The demo's hidden truth of who converts: a logistic function of a lead's features, unlike the rules' weights (it
/// favours mid-sized logistics and manufacturing companies with a near purchase and many site visits, and barely cares
/// about title or country), drawn with the plan's random numbers. Nothing in Bizflow reads it: a model learns it from
/// outcomes, and the demo shows how much better than the rules that model ranks the latest leads.
enum GroundTruth {
    static func conversionProbability(_ lead: LeadCaptured) -> Double {
        var z = -4.3
        z += 0.55 * log1p(Double(lead.websiteVisits))
        if ["logistics", "manufacturing"].contains(lead.industry) { z += 1.1 }
        if (100...1_000).contains(lead.companySize) { z += 0.7 }
        if lead.timeline == .immediate || lead.timeline == .within3Months { z += 0.8 }
        if lead.contentDownloads >= 2 { z += 0.4 }
        if lead.jobTitle == "Founder" || lead.jobTitle == "CTO" { z -= 0.3 }
        return 1 / (1 + exp(-z))
    }
}
