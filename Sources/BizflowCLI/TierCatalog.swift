import BizflowLeads
import BizflowOrders
import BizflowRuntime

/// Every tier this build runs, in pipeline order: each tier module's definitions. A module of new tiers adds its
/// list here; a tier added to an existing module needs nothing here.
package enum TierCatalog {
    package static let definitions = LeadTiers.definitions + OrderTiers.definitions

    package static var names: [String] { definitions.names }
}
